"""Leichte Sprache in Chromium on the demo: the Beckum home page and the festival in easy
German, its reading style (larger type, lines of at most about 60 characters, more line
spacing), no horizontal scrolling at 320 px, and search, the calendar and the sign-up working
under ``/de-x-ls/``."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.core.test_narrow_screens import OVERFLOWING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LS = "de-x-ls"
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 900}

# Characters per rendered line of an element's text (line boxes told apart by their top).
LINE_LENGTHS = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const lines = new Map();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++) {
      if (!node.data[i].trim()) continue;
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      const top = Math.round(box.top / 4);
      lines.set(top, (lines.get(top) || 0) + 1);
    }
  }
  return [...lines.values()];
}"""

STYLE = """(selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  return [parseFloat(style.fontSize), parseFloat(style.lineHeight)];
}"""


@pytest.fixture
def demo(transactional_db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    return demo.load()


def _pages():
    from wagtail.models import Locale, Site

    from events.models import EventIndexPage, FestivalPage
    from networks.models import NetworkPage, Organisation, OrganisationDirectoryPage

    site = Site.objects.get(is_default_site=True)
    root = site.root_page
    ls = Locale.objects.get(language_code=LS)

    def first(model):
        page = model.objects.live().descendant_of(root).filter(locale=root.locale).first()
        return page.get_translation(ls).specific

    def url(page) -> str:
        return page.relative_url(site)

    festival = first(FestivalPage)
    calendar = first(EventIndexPage)
    organisation = Organisation.objects.filter(site=site).order_by("name").first()
    month = festival.start.strftime("%Y-%m")
    return {
        "home": f"/{LS}/",
        "network": url(first(NetworkPage)),
        "events": url(calendar),
        "event": url(festival),
        "calendar": f"{url(calendar)}?ansicht=monat&monat={month}",
        "search": f"/{LS}/suche/?q=Begegnungsfest",
        "organisation": url(first(OrganisationDirectoryPage)) + organisation.slug + "/",
        "login": f"/{LS}/accounts/login/",
    }, festival


def test_the_demo_in_leichte_sprache_on_a_phone(browser, live_server, demo):
    from events.models import Registration

    paths, festival = _pages()
    for path in paths.values():
        assert path.startswith(f"/{LS}/"), path
    context = browser.new_context(locale="de-DE", viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(20_000)
    too_wide = {}

    def measure(name: str) -> None:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > NARROW["width"]:
            too_wide[name] = (width, page.evaluate(OVERFLOWING))

    try:
        # from the German home page through the switcher's "Leichte Sprache"
        page.goto(live_server.url + "/")
        link = page.locator(".language-switcher a", has_text="Leichte Sprache")
        assert link.get_attribute("lang") == "de"
        assert link.get_attribute("hreflang") == LS
        page.goto(live_server.url + link.get_attribute("href"))
        assert page.url == live_server.url + f"/{LS}/"
        assert page.locator("html").get_attribute("lang") == "de"
        assert "easy-read" in page.locator("body").get_attribute("class")
        assert page.locator("h1").first.inner_text() == "Willkommen!"
        lead = page.locator("main .lead").first.inner_text()
        assert lead.splitlines()[:2] == [
            "In Beckum leben viele Menschen aus anderen Ländern.",
            "Viele Gruppen helfen diesen Menschen.",
        ]
        assert "Das machen wir" in page.locator("main").inner_text()
        assert page.locator(".untranslated-note").count() == 0

        for name, path in paths.items():
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == "de", path
            assert "easy-read" in page.locator("body").get_attribute("class"), path
            measure(name)

        # the festival in easy German, with its sign-up form working under the prefix
        page.goto(live_server.url + paths["event"])
        assert page.locator("h1").first.inner_text() == "Begegnungs-Fest: Wir feiern zusammen"
        assert "Der Eintritt kostet nichts." in page.locator("main").inner_text()
        assert page.locator(".untranslated-note").count() == 0
        page.locator("#anmeldung #id_email").fill("leicht@example.org")
        page.locator("#anmeldung button[type=submit]").click()
        page.wait_for_selector(".message--success")
        assert page.locator("html").get_attribute("lang") == "de"
        measure("signed-up")
        registration = Registration.objects.get(email="leicht@example.org")
        assert registration.status == Registration.Status.HELD
        assert registration.language == LS
        with translation.override(LS):
            confirm = reverse("events:confirm", kwargs={"token": registration.token})
        assert confirm.startswith(f"/{LS}/")
        page.goto(live_server.url + confirm)
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("[role=status]")
        measure("confirmed")
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CONFIRMED

        # search and the calendar find the festival by its easy-German title
        for path in (paths["search"], paths["events"]):
            page.goto(live_server.url + path)
            assert page.locator(
                "main a", has_text="Begegnungs-Fest: Wir feiern zusammen"
            ).count(), path
    finally:
        context.close()
    assert not too_wide, too_wide


def test_the_reading_style_gives_larger_type_and_short_lines(browser, live_server, demo):
    """On a wide screen: a German text shown in Leichte Sprache (the network page is not yet
    translated) runs in lines of at most about 60 characters, in larger type with more line
    spacing than the same text on the German page."""
    paths, _festival = _pages()
    german_path = paths["network"].removeprefix(f"/{LS}")
    context = browser.new_context(locale="de-DE", viewport=WIDE)
    page = context.new_page()
    try:
        page.goto(live_server.url + german_path)
        german_lines = page.evaluate(LINE_LENGTHS, "main section p")
        german_size, german_leading = page.evaluate(STYLE, "main section p")
        page.goto(live_server.url + paths["network"])
        assert page.locator(".untranslated-note").count() == 1
        easy_lines = page.evaluate(LINE_LENGTHS, "main section p")
        easy_size, easy_leading = page.evaluate(STYLE, "main section p")
    finally:
        context.close()
    assert max(german_lines) > 70, german_lines  # the German page's lines are long
    assert max(easy_lines) <= 62, easy_lines
    assert len(easy_lines) > len(german_lines)
    assert easy_size >= german_size * 1.15, (easy_size, german_size)
    assert easy_leading / easy_size >= 1.7, (easy_leading, easy_size)
    assert settings.EASY_READ_LANGUAGE == LS
