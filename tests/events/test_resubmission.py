"""One form, one sign-up: the same sign-up form sent twice (a double click, a browser that
repeats the request after a lost answer) gives one registration and the same answer twice,
never an error for a sign-up that was stored."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from events.models import FestivalPage, Registration
from tests import liveserver

from .conftest import add_event

HOST = {"HTTP_HOST": "beckum.test"}
SUBMISSION = re.compile(r'name="submission" value="([A-Za-z0-9_-]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HELD = "Nearly done: we have sent you an email. Please confirm your sign-up with the link in it."
DUPLICATE = "This email address is already signed up. Look for our mail in your inbox."


def said(text: str, language: str = "de") -> str:
    """``text`` as the page shows it in ``language`` (HTML-escaped)."""
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override(language):
        return escape(gettext(text))


def _form_tokens(html: str) -> list[str]:
    return SUBMISSION.findall(html)


@pytest.mark.django_db
def test_the_same_form_twice_is_one_sign_up_with_the_same_answer(event):
    visitor = Client()
    page = visitor.get(event.url, **HOST).content.decode()
    token = _form_tokens(page)[0]
    data = {"email": "nour@example.org", "name": "Nour", "party_size": "1", "submission": token}

    first = visitor.post(event.url + "anmelden/", data, follow=True, **HOST)
    again = visitor.post(event.url + "anmelden/", data, follow=True, **HOST)

    assert Registration.objects.filter(event=event).count() == 1
    for response in (first, again):
        assert response.status_code == 200
        assert said(HELD) in response.content.decode()
        assert said(DUPLICATE) not in response.content.decode()
    # A new form (a new page load) with the same address is a second attempt: it is told.
    fresh = _form_tokens(visitor.get(event.url, **HOST).content.decode())[0]
    assert fresh != token
    other = visitor.post(event.url + "anmelden/", {**data, "submission": fresh}, **HOST)
    assert other.status_code == 400 and said(DUPLICATE) in other.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.django_db
def test_an_offer_sent_twice_is_one_offer(make_event):
    festival = make_event(FestivalPage, title="Fest der Kulturen", contributions_enabled=True)
    visitor = Client()
    page = visitor.get(festival.url, **HOST).content.decode()
    tokens = _form_tokens(page)
    assert len(tokens) == len(set(tokens)) >= 2, "each form of the page has its own token"
    offer = {
        "contribution-email": "amal@example.org",
        "contribution-name": "Amal",
        "contribution-contribution_kind": "dish",
        "contribution-contribution_text": "Falafel für 40 Personen",
        "submission": tokens[-1],
    }
    for _ in range(3):
        response = visitor.post(festival.url + "beitrag/", offer, **HOST)
        assert response.status_code == 302
    assert Registration.objects.filter(kind=Registration.Kind.CONTRIBUTION).count() == 1
    # Without the token (an old cached page) the form still works as before.
    del offer["submission"]
    offer["contribution-email"] = "mira@example.org"
    assert visitor.post(festival.url + "beitrag/", offer, **HOST).status_code == 302
    assert Registration.objects.filter(kind=Registration.Kind.CONTRIBUTION).count() == 2


@pytest.mark.django_db
def test_a_forged_token_is_ignored_not_an_error(event):
    data = {"email": "lena@example.org", "party_size": "1", "submission": "x' OR 1=1 --"}
    assert Client().post(event.url + "anmelden/", data, **HOST).status_code == 302
    assert Registration.objects.get(event=event).submission == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_the_real_server_makes_one_sign_up(site):
    """Eight copies of one form at the same moment through uvicorn: one row, eight answers
    that all say the sign-up went through."""
    if connection.vendor != "postgresql":
        pytest.skip("the server process needs the test database over the network")
    from events.models import EventIndexPage

    calendar = EventIndexPage(title="Kalender", slug="kalender")
    site.root_page.add_child(instance=calendar)
    event = add_event(calendar, title="Sprachcafé", capacity=10)
    path = event.get_url(None).replace("http://beckum.test", "")

    with liveserver.running() as base:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("Host", "beckum.test"), ("Accept-Language", "de")]
        html = opener.open(base + path, timeout=60).read().decode()
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": CSRF.search(html).group(1),
                "email": "yusuf@example.org",
                "name": "Yusuf",
                "party_size": "1",
                "submission": _form_tokens(html)[0],
            }
        ).encode()
        barrier = threading.Barrier(8)

        def click(_):
            # the same browser (its cookies), each request with its own answer and redirect
            own = http.cookiejar.CookieJar()
            for cookie in jar:
                own.set_cookie(cookie)
            tab = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(own))
            tab.addheaders = opener.addheaders
            barrier.wait()
            try:
                response = tab.open(base + path + "anmelden/", data=data, timeout=60)
                return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode(errors="replace")

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(click, range(8)))

    assert Registration.objects.filter(event=event).count() == 1
    assert [status for status, _html in answers] == [200] * 8
    for _status, page in answers:
        assert said(HELD) in page and said(DUPLICATE) not in page
