"""Two members chat in two real Chromium pages through the real ASGI server."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect
from wagtail.models import Site

from plugins.chat.models import Message, Room
from tests.helpers import assert_no_axe_violations
from treffpunkt.core.middleware import sites_changed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def localhost_site(site):
    """Browser tests reach the server as "localhost"."""
    Site.objects.filter(pk=site.pk).update(hostname="localhost", port=80, is_default_site=True)
    sites_changed()  # update() sends no signal
    return Site.objects.get(pk=site.pk)


def signed_in_page(browser, base_url: str, user, locale: str = "de-DE"):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale=locale)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_two_members_chat_live_and_history_survives_a_reload(
    browser, asgi_server, localhost_site, member, other_member
):
    room = Room.objects.create(site=localhost_site, kind=Room.Kind.NETWORK, title="Netzwerk")
    url = f"{asgi_server}/chat/{room.pk}/"
    petra = signed_in_page(browser, asgi_server, member)
    olena = signed_in_page(browser, asgi_server, other_member)
    try:
        petra.goto(url)
        olena.goto(url)
        expect(petra.locator("#chat-status")).to_have_text(
            "Verbunden. Neue Nachrichten erscheinen hier."
        )
        expect(olena.locator("#chat-status")).to_have_text(
            "Verbunden. Neue Nachrichten erscheinen hier."
        )
        expect(petra.locator("#chat-online")).to_contain_text("Olena Koval")

        petra.get_by_label("Ihre Nachricht").fill("Hallo Olena, <b>kommst</b> du Dienstag?")
        petra.get_by_label("Ihre Nachricht").press("Enter")

        received = olena.locator(".chat-message").last
        expect(received).to_contain_text("Hallo Olena, <b>kommst</b> du Dienstag?")
        expect(olena.locator("#chat-announcer")).to_contain_text("Neue Nachricht von Petra Wessel")
        expect(petra.get_by_label("Ihre Nachricht")).to_have_value("")

        olena.get_by_label("Ihre Nachricht").fill("Ja, bis dann!")
        olena.get_by_role("button", name="Senden").click()
        expect(petra.locator(".chat-message").last).to_contain_text("Ja, bis dann!")

        olena.reload()
        expect(olena.locator(".chat-message")).to_have_count(2)
        expect(olena.locator(".chat-message").first).to_contain_text("kommst")
        assert Message.objects.count() == 2
    finally:
        petra.context.close()
        olena.context.close()


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_room_page_is_accessible(
    browser, asgi_server, localhost_site, member, other_member, prefix
):
    from plugins.chat import services

    room = Room.objects.create(site=localhost_site, kind=Room.Kind.NETWORK, title="Netzwerk")
    services.post_message(other_member, room, "Willkommen! Mehr unter https://www.beckum.de @Petra")
    page = signed_in_page(browser, asgi_server, member)
    try:
        page.goto(f"{asgi_server}{prefix}/chat/{room.pk}/")
        expect(page.locator("#chat-status")).not_to_have_text("")
        if prefix == "/ar":
            assert page.locator("html").get_attribute("dir") == "rtl"
        assert_no_axe_violations(page)
        page.goto(f"{asgi_server}{prefix}/chat/")
        assert_no_axe_violations(page)
    finally:
        page.context.close()
