"""Members are never served from a shared cache: two members open the same pages one after
the other, with the page cache on and the next dates, titles and menus kept for everyone,
and each sees their own sign-up, their own dashboard and nothing of the other (issue 15)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext, override

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def test_two_members_each_see_only_their_own(settings, event, calendar_page, make_user, commit):
    settings.PAGE_CACHE_SECONDS = 60
    nour, jan = make_user("nour.haddad@example.org"), make_user("jan.kowalski@example.org")
    first, second, anonymous = Client(), Client(), Client()
    first.force_login(nour)
    second.force_login(jan)
    for client in (first, second, anonymous):  # every page stored and kept where it may be
        for url in ("/", event.url, calendar_page.url):
            client.get(url, **HOST)
    with commit():
        answer = first.post(
            event.url + "anmelden/", {"email": nour.email, "party_size": "1"}, **HOST
        )
    assert answer.status_code == 302
    with override("de"):
        signed_up = escape(gettext("You are signed up."))
        cancel = escape(gettext("Cancel my sign-up"))

    pages = {}
    for name, client in (("nour", first), ("jan", second), ("anonymous", anonymous)):
        for url in ("/", event.url, calendar_page.url, "/konto/"):
            response = client.get(url, **HOST, follow=name == "anonymous")
            assert response.status_code == 200, (name, url)
            if name != "anonymous":
                assert "X-Page-Cache" not in response  # never from the page cache
                assert "private" in response.get("Cache-Control", "") or url != "/konto/"
            pages[name, url] = response.content.decode()

    assert signed_up in pages["nour", event.url]
    assert signed_up not in pages["jan", event.url]
    assert signed_up not in pages["anonymous", event.url]
    assert cancel in pages["nour", "/konto/"] and event.title in pages["nour", "/konto/"]
    assert cancel not in pages["jan", "/konto/"]
    for (name, url), html in pages.items():
        if name != "nour":
            assert nour.email not in html, (name, url)
        if name != "jan":
            assert jan.email not in html, (name, url)
