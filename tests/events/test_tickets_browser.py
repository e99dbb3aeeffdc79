"""In Chromium on a phone-sized screen: the registrant's confirmed page shows the QR ticket;
the organiser checks the ticket in by typing its code (every browser) and by the camera where
the browser offers a BarcodeDetector.

Chromium on Linux has no BarcodeDetector and the test machine no camera: the camera is
Chromium's own fake capture device (a real getUserMedia stream), and the detector is replaced
by one that reports the ticket's address once the video plays. That checks the page's part
(button shown, camera started, code read, form sent, person checked in), not QR decoding.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.test import Client

from events import registrations as engine
from events.models import Registration
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import assert_no_axe_violations

from .test_browser import festival_live  # noqa: F401 - the live fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artefacts" / "screenshots"

FAKE_DETECTOR = """
window.BarcodeDetector = class {
  constructor(options) { this.formats = (options || {}).formats || []; }
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect(video) {
    const playing = video.readyState >= 2 && video.srcObject && video.srcObject.active;
    return Promise.resolve(playing && window.__ticket ? [{ rawValue: window.__ticket }] : []);
  }
};
"""


@pytest.fixture
def camera_browser():
    """Chromium with its fake camera allowed without asking."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                ],
                headless=True,
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _confirmed(event, email: str, name: str, party_size: int = 1) -> Registration:
    registration = engine.sign_up(event, email=email, name=name, party_size=party_size)
    return engine.confirm(registration.token)


def _phone(browser, live_server, user=None, locale="de-DE"):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale=locale
    )
    if user is not None:
        client = Client()
        client.force_login(user)
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
    context.grant_permissions(["camera"])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return context, tab


def test_the_registrant_sees_the_ticket_on_a_phone_in_arabic(
    camera_browser,
    live_server,
    festival_live,  # noqa: F811
):
    _calendar, festival = festival_live
    registration = engine.sign_up(festival, email="nour@example.org", language="ar")
    context, tab = _phone(camera_browser, live_server, locale="ar")
    tab.goto(f"{live_server.url}/ar/anmeldung/{registration.token}/bestaetigen/")
    tab.get_by_role("button").filter(has_text=re.compile(".")).last.click()
    tab.wait_for_selector(".ticket__qr svg")
    qr = tab.locator(".ticket__qr").bounding_box()
    assert 200 <= qr["width"] <= 390 and abs(qr["width"] - qr["height"]) < 2
    registration.refresh_from_db()
    code = tab.locator(".ticket__code bdi").inner_text()
    assert code.replace("-", "") == registration.ticket
    assert tab.evaluate("document.documentElement.dir") == "rtl"
    # an Arabic browser on an Arabic page: no suggestion of another language takes the screen
    assert tab.locator(".language-suggestion:visible").count() == 0
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(tab)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTEFACTS / "ar-ticket-390x844.png"))
    context.close()


def test_the_organiser_checks_tickets_in_by_code_and_by_camera(
    camera_browser,
    live_server,
    festival_live,  # noqa: F811
    staff,
):
    _calendar, festival = festival_live
    typed = _confirmed(festival, "nour@example.org", "Nour Aziz", party_size=2)
    scanned = _confirmed(festival, "olena@example.org", "Olena Koval")

    # A browser without BarcodeDetector: no camera button, the typed code works.
    context, tab = _phone(camera_browser, live_server, staff)
    tab.goto(f"{live_server.url}/veranstaltungen/{festival.pk}/anmeldungen/")
    assert tab.locator("[data-scan-start]").is_hidden()
    field = tab.get_by_label("Ticket-Code")
    field.fill(" " + "-".join(re.findall("....", typed.ticket.lower())) + " ")
    tab.get_by_role("button", name="Ticket einchecken").click()
    tab.wait_for_selector("text=Eingecheckt: Nour Aziz (2 Personen).")
    typed.refresh_from_db()
    assert typed.attended_at is not None
    # the scan form is in view again, for the next person
    assert tab.locator("#ticket-code").is_visible()
    assert_no_axe_violations(tab)
    context.close()

    # A browser with BarcodeDetector and a camera: one tap, the ticket is read and sent.
    context, tab = _phone(camera_browser, live_server, staff)
    context.add_init_script(FAKE_DETECTOR)
    tab.goto(f"{live_server.url}/veranstaltungen/{festival.pk}/anmeldungen/")
    start = tab.get_by_role("button", name="Mit der Kamera scannen")
    start.wait_for(state="visible")
    from events.tickets import ticket_url

    url = ticket_url(scanned).replace("http://localhost", live_server.url.rsplit(":", 1)[0])
    start.click()
    tab.wait_for_function(
        "() => { const v = document.querySelector('video'); "
        "return v && !v.hidden && v.readyState >= 2; }"
    )
    tab.evaluate("url => { window.__ticket = url; }", url)
    tab.wait_for_selector("text=Eingecheckt: Olena Koval (1 Person).")
    scanned.refresh_from_db()
    assert scanned.attended_at is not None
    # the same ticket again: reported, not counted twice
    first = scanned.attended_at
    tab.get_by_role("button", name="Mit der Kamera scannen").click()
    tab.evaluate("url => { window.__ticket = url; }", url)
    tab.wait_for_selector("text=Bereits eingecheckt um")
    scanned.refresh_from_db()
    assert scanned.attended_at == first
    context.close()
