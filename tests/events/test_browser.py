"""In Chromium: sign up without an account, confirm by the mail's link, cancel; check-in; axe."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from events.models import EventIndexPage, FestivalPage, Registration
from tests.helpers import assert_no_axe_violations, body_text, links_in

from .conftest import add_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Registration.Status


@pytest.fixture
def festival_live(tx_site):
    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    tx_site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    festival = add_event(
        calendar,
        FestivalPage,
        title="Begegnungsfest",
        slug="fest",
        capacity=20,
        max_party_size=4,
        location_name="Familienzentrum",
        languages="de,ar",
    )
    return calendar, festival


def _link(message, part: str, live_url: str) -> str:
    link = next(url for url in links_in(body_text(message)) if part in url)
    return re.sub(r"^https?://[^/]+", live_url, link)


def test_sign_up_confirm_by_mail_and_cancel(page, live_server, smtp_settings, festival_live):
    _calendar, festival = festival_live
    page.goto(live_server.url + "/ar" + festival.url)
    page.locator("#anmeldung").get_by_label(re.compile("البريد الإلكتروني")).fill(
        "nour@example.org"
    )
    page.locator("#id_party_size").fill("3")
    page.locator("#anmeldung button[type=submit]").click()
    page.wait_for_selector(".message--success")

    registration = Registration.objects.get()
    assert (registration.status, registration.party_size, registration.language) == (
        S.HELD,
        3,
        "ar",
    )
    (mail,) = smtp_settings.to("nour@example.org")
    page.goto(_link(mail, "/bestaetigen/", live_server.url))
    registration.refresh_from_db()
    assert registration.status == S.HELD  # opening the link confirms nothing
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("[role=status]")
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED

    confirmation = smtp_settings.to("nour@example.org")[-1]
    assert any(part.get_filename() == "event.ics" for part in confirmation.walk())
    page.goto(_link(confirmation, "/absagen/", live_server.url))
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("[role=status]")
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED


def test_organiser_checks_someone_in_on_a_phone(browser, live_server, festival_live, staff):
    from events import registrations as engine

    _calendar, festival = festival_live
    guest = engine.sign_up(festival, email="guest@example.org", name="Gast Eins")
    engine.confirm(guest.token)
    client = Client()
    client.force_login(staff)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    tab = context.new_page()
    tab.goto(f"{live_server.url}/veranstaltungen/{festival.pk}/anmeldungen/")
    tab.get_by_role("button", name=re.compile("Einchecken")).click()
    tab.wait_for_selector("text=Eingecheckt")
    guest.refresh_from_db()
    assert guest.attended_at is not None
    context.close()


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_public_pages_have_no_axe_violations(page, live_server, festival_live, prefix):
    calendar, festival = festival_live
    for url in (calendar.url, calendar.url + "?ansicht=monat", festival.url):
        page.goto(live_server.url + prefix + url)
        assert_no_axe_violations(page)
    # the sign-up form with its error messages
    page.goto(live_server.url + prefix + festival.url)
    page.locator("#id_email").first.fill("kein-email")
    page.locator("#anmeldung button[type=submit]").click()
    page.wait_for_selector("#id_email_error")
    assert_no_axe_violations(page)
