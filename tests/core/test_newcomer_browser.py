"""A newcomer on a phone (390×844) in Chromium, Arabic and German, on the demo.

The interface keeps the visitor's language and direction on pages whose text is not yet
translated; phone numbers read as typed; screenshots of the pages are kept as artefacts in
var/test-artefacts/screenshots/ (ignored by git).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artefacts" / "screenshots"
PHONE = {"width": 390, "height": 844}

# Visual order of a text inside an element: the x position of its first and last character.
VISUAL_ORDER = """([selector, text]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + 1);
    const first = range.getBoundingClientRect().left;
    range.setStart(node, at + text.length - 1); range.setEnd(node, at + text.length);
    const last = range.getBoundingClientRect().left;
    return {first, last};
  }
  return null;
}"""


@pytest.fixture
def demo(transactional_db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    return demo.load()


def _pages():
    from wagtail.models import Site

    from events.models import FestivalPage
    from networks.models import ContactPerson, OrganisationDirectoryPage

    site = Site.objects.get(is_default_site=True)
    root = site.root_page
    festival = FestivalPage.objects.live().descendant_of(root).first()
    directory = OrganisationDirectoryPage.objects.live().descendant_of(root).first()
    contact = ContactPerson.objects.select_related("organisation").get(phone="02521 100 203")
    return {
        "home": "/",
        "event": festival.relative_url(site),
        "directory": directory.relative_url(site),
        "organisation": directory.relative_url(site) + contact.organisation.slug + "/",
    }


def _shot(page, language: str, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{language}-{name}-390x844.png"), full_page=False)


def test_arabic_phone_visitor_keeps_rtl_interface_and_numbers_as_typed(browser, live_server, demo):
    from treffpunkt.demo import DEMO_PASSWORD

    paths = _pages()
    context = browser.new_context(locale="ar", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        for name, path in paths.items():
            page.goto(live_server.url + "/ar" + path)
            assert page.locator("html").get_attribute("dir") == "rtl", path
            # <main> never turns German/left to right: only the untranslated text does.
            assert page.locator("main").get_attribute("lang") is None, path
            assert page.locator("main").get_attribute("dir") is None, path
            directions = page.eval_on_selector_all(
                "form", "forms => forms.map(f => getComputedStyle(f).direction)"
            )
            assert directions and set(directions) == {"rtl"}, (path, directions)
            _shot(page, "ar", name)

        # The event page's text is German (not yet translated): marked as such, with a note.
        page.goto(live_server.url + "/ar" + paths["event"])
        assert page.locator("h1").first.get_attribute("lang") == "de"
        assert page.locator(".untranslated-note").count() == 1
        assert (
            page.locator("#anmeldung form label").first.evaluate(
                "el => getComputedStyle(el).direction"
            )
            == "rtl"
        )

        # The phone number in the contact reads "02521 100 203", not "203 100 02521".
        page.goto(live_server.url + "/ar" + paths["organisation"])
        order = page.evaluate(VISUAL_ORDER, ["main", "02521 100 203"])
        assert order is not None
        assert order["first"] < order["last"], order

        # A member types her phone number into her profile: it reads as typed.
        page.goto(live_server.url + "/ar/accounts/login/")
        page.locator("input[name=login]").fill("amal.haddad@example.org")
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/konto/**")
        _shot(page, "ar", "dashboard")
        page.goto(live_server.url + "/ar/konto/profil/")
        assert page.eval_on_selector_all(
            "main form", "forms => forms.map(f => getComputedStyle(f).direction)"
        ) == ["rtl"]
        phone = page.locator("input[name=phone]")
        assert phone.get_attribute("type") == "tel"
        phone.fill("02521 100 203")
        assert phone.evaluate("el => getComputedStyle(el).direction") == "ltr"
    finally:
        context.close()

    german = browser.new_context(locale="de-DE", viewport=PHONE)
    tab = german.new_page()
    try:
        for name, path in paths.items():
            tab.goto(live_server.url + path)
            assert tab.locator("html").get_attribute("lang") == "de"
            _shot(tab, "de", name)
    finally:
        german.close()
