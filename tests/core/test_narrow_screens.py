"""No horizontal scrolling at 320 px (WCAG 1.4.10 Reflow), in Chromium on the demo, in
German and Arabic: the main public pages, the sign-up form and its confirmed page included.

document.scrollingElement.scrollWidth must stay within the 320 px viewport; where it does
not, the test names the elements that reach beyond it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}

# The elements whose box reaches beyond the viewport's edges (left in RTL, right in LTR),
# innermost first, so a failure says what to fix.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
    if ([...el.children].some(c => {
      const b = c.getBoundingClientRect();
      return b.width && (b.right > width + 0.5 || b.left < -0.5);
    })) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    out.push(`${name} [${Math.round(box.left)}..${Math.round(box.right)}]`);
  }
  return out.slice(0, 8);
}"""


@pytest.fixture
def demo(transactional_db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    return demo.load()


def _paths() -> dict[str, str]:
    from wagtail.models import Site

    from events.models import EventIndexPage, FestivalPage
    from networks.models import (
        NetworkPage,
        Organisation,
        OrganisationDirectoryPage,
        WorkingGroupPage,
    )

    site = Site.objects.get(is_default_site=True)
    root = site.root_page

    def first(model):
        return model.objects.live().descendant_of(root).filter(locale=root.locale).first()

    festival = first(FestivalPage)
    directory = first(OrganisationDirectoryPage)
    organisation = Organisation.objects.filter(site=site).order_by("name").first()
    month = festival.start.strftime("%Y-%m")
    calendar = first(EventIndexPage).relative_url(site)
    return {
        "home": "/",
        "network": first(NetworkPage).relative_url(site),
        "working-group": first(WorkingGroupPage).relative_url(site),
        "events": calendar,
        "event": festival.relative_url(site),
        "calendar": f"{calendar}?ansicht=monat&monat={month}",
        "search": "/suche/?q=Beckum",
        "organisation": directory.relative_url(site) + organisation.slug + "/",
        "login": "/accounts/login/",
    }


def _confirm_path(language: str) -> str:
    """A fresh sign-up for the festival, and the address of its confirmation page."""
    from wagtail.models import Site

    from events import registrations as engine
    from events.models import FestivalPage

    root = Site.objects.get(is_default_site=True).root_page
    festival = FestivalPage.objects.live().descendant_of(root).filter(locale=root.locale).first()
    registration = engine.sign_up(
        festival, email=f"schmal-{language}@example.org", name="Nour Test", language=language
    )
    with translation.override(language):
        return reverse("events:confirm", kwargs={"token": registration.token})


@pytest.mark.parametrize("language", ["de", "ar"])
def test_no_horizontal_scrolling_at_320_px(browser, live_server, demo, language):
    prefix = "" if language == "de" else f"/{language}"
    paths = {name: prefix + path for name, path in _paths().items()}
    context = browser.new_context(locale=language, viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(20_000)
    too_wide = {}
    try:

        def measure(name: str) -> None:
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > NARROW["width"]:
                too_wide[name] = (width, page.evaluate(OVERFLOWING))

        for name, path in paths.items():
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == language, path
            measure(name)

        # the sign-up confirmed page (after the one button of the mail's link)
        page.goto(live_server.url + _confirm_path(language))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("[role=status]")
        measure("confirmed")
    finally:
        context.close()
    assert not too_wide, too_wide
