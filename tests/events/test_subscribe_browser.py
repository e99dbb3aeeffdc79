"""In Chromium: the subscribe card's copy button puts the feed's address on the clipboard,
says so, and the copied address answers with the calendar (issue 12)."""

from __future__ import annotations

import re

import icalendar
import pytest

from events.models import EventIndexPage

from .conftest import add_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_copy_button_copies_the_feed_address(browser, live_server, tx_site, language):
    from django.utils import translation
    from playwright.sync_api import expect

    with translation.override(language):
        copy, copied = translation.gettext("Copy address"), translation.gettext("Copied")
    assert copy != "Copy address" and copied != "Copied"  # translated, also into Arabic
    prefix = "" if language == "de" else f"/{language}"
    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    tx_site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    add_event(calendar, title="Sprachcafé", registration_enabled=False)

    context = browser.new_context(locale="de-DE")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + prefix + calendar.url + "?kind=event")
        card = page.locator("section.subscribe").first
        field = card.locator("input[type=url]")
        address = field.input_value()
        assert re.match(r"^https?://localhost(:\d+)?/kalender\.ics\?kind=event", address)
        if prefix:
            assert f"lang={language}" in address
        button = card.locator("button[data-copy]")
        expect(button).to_have_text(copy)
        assert page.evaluate("navigator.clipboard.readText()") != address
        button.click()
        expect(button).to_have_text(copied)
        assert page.evaluate("navigator.clipboard.readText()") == address

        # the copied address is the feed (on this server's port: the site's own host name)
        path = re.sub(r"^https?://[^/]+", "", address)
        response = page.request.get(live_server.url + path)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        events = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
        assert [str(e["SUMMARY"]) for e in events] == ["Sprachcafé"]
    finally:
        context.close()
