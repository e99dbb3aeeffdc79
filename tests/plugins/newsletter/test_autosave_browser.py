"""In a real browser: a manager writes a new issue; Wagtail's autosave creates it while they
type, and their own "save draft" a moment later keeps every word (no validation error, no
second issue, no lost text)."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from wagtail.models import Site

from plugins.newsletter.models import NewsletterIndexPage, NewsletterPage
from tests.conftest import ensure_wagtail_roots, make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def archive(db):
    ensure_wagtail_roots()
    Site.objects.all().delete()
    site = make_site("localhost", "Beckum", default=True)
    index = NewsletterIndexPage(title="Newsletter-Archiv", slug="newsletter-archiv")
    site.root_page.add_child(instance=index)
    index.save_revision().publish()
    return index


def _signed_in_tab(browser, live_server, user):
    client = Client()
    client.force_login(user)  # with the second factor passed (tests/conftest.py)
    context = browser.new_context(locale="de-DE")
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": live_server.url.split("//")[1].split(":")[0],
                "path": "/",
            }
        ]
    )
    # Wagtail's unsaved-changes watch (which starts the autosave) takes the form's first
    # state 2 s after the editor loads: what is typed before that counts as the first state.
    context.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => { window.watching = true })"
    )
    tab = context.new_page()
    tab.set_default_timeout(60_000)  # the admin loads a lot of script
    return context, tab


def _open_editor(tab, url: str) -> None:
    """The new issue's form, once Wagtail watches it for changes (as a person, who reads
    the form first, meets it)."""
    tab.goto(url, wait_until="domcontentloaded")
    tab.wait_for_function("() => window.watching === true")


def _wait_until(condition, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _add_block(tab, label: str) -> None:
    """Insert a block at the end of the issue's content, as an editor does."""
    tab.locator("[data-contentpath='body'] button.c-sf-add-button").last.click()
    tab.get_by_role("option", name=label, exact=True).click()


def test_autosave_then_save_draft_keeps_the_typed_text(browser, live_server, archive, staff):
    base = live_server.url
    context, tab = _signed_in_tab(browser, live_server, staff)
    _open_editor(tab, f"{base}/admin/pages/add/newsletter/newsletterpage/{archive.pk}/")
    tab.locator("#id_title").fill("Herbstausgabe")
    intro = tab.locator("#id_intro")
    intro.click()
    intro.press_sequentially("Das Netzwerk lädt zum Begegnungsfest ein.", delay=20)

    # Autosave makes the issue while the editor is still on the page, and the form becomes
    # the issue's edit form.
    assert _wait_until(lambda: NewsletterPage.objects.filter(title="Herbstausgabe").exists())
    form_action = "() => document.getElementById('page-edit-form').action"
    assert _wait_until(lambda: "/edit/" in tab.evaluate(form_action))
    _add_block(tab, "Überschrift")
    tab.locator("[data-contentpath='body'] input[name$='-value']").last.fill("Begegnungsfest")

    # The editor types on and saves the draft themselves, right after the autosave.
    intro.press_sequentially(" Bitte weitersagen!", delay=20)
    _add_block(tab, "Text")
    tab.locator("[data-contentpath='body'] [contenteditable=true]").last.click()
    tab.keyboard.type("Am Samstag im Stadtpark, mit Musik aus vielen Ländern.", delay=20)
    # A person needs a moment to reach the button; the rich-text editor hands its text to
    # the form a quarter of a second after the last key (Draftail's save interval).
    tab.wait_for_timeout(600)
    tab.get_by_role("button", name=re.compile(r"^\s*Entwurf speichern\s*$")).first.click()
    tab.wait_for_load_state("networkidle")
    text = tab.locator("body").inner_text()
    assert "Validierungsfehler" not in text and "validation error" not in text.lower()

    issues = NewsletterPage.objects.filter(title="Herbstausgabe")
    assert issues.count() == 1
    saved = issues.get().get_latest_revision_as_object()
    assert saved.intro == "Das Netzwerk lädt zum Begegnungsfest ein. Bitte weitersagen!"
    blocks = [(block.block_type, str(block.value)) for block in saved.body]
    assert blocks[0] == ("heading", "Begegnungsfest")
    assert blocks[1][0] == "text" and "Musik aus vielen Ländern" in blocks[1][1]

    # What the editor sees after reloading is what they typed.
    tab.goto(f"{base}/admin/pages/{issues.get().pk}/edit/")
    assert tab.locator("#id_intro").input_value() == saved.intro
    body = tab.locator("[data-contentpath='body']")
    assert body.locator("input[type=text]").first.input_value() == "Begegnungsfest"
    assert "Musik aus vielen Ländern" in body.inner_text()
    context.close()


def test_a_block_added_while_the_first_autosave_runs_is_kept(browser, live_server, archive, staff):
    """The first autosave turns the create form into the edit form (Wagtail fetches the edit
    view's partials); a block the editor adds and fills meanwhile stays in the form and in the
    saved draft."""
    base = live_server.url
    context, tab = _signed_in_tab(browser, live_server, staff)
    _open_editor(tab, f"{base}/admin/pages/add/newsletter/newsletterpage/{archive.pk}/")
    tab.locator("#id_title").fill("Winterausgabe")
    intro = tab.locator("#id_intro")
    intro.click()
    intro.press_sequentially("Neues aus dem Netzwerk.", delay=5)
    # no pause: the block is added and filled while the first autosave is on its way
    _add_block(tab, "Überschrift")
    tab.locator("[data-contentpath='body'] input[name$='-value']").last.press_sequentially(
        "Sprachcafé im Januar", delay=30
    )
    _add_block(tab, "Text")
    tab.locator("[data-contentpath='body'] [contenteditable=true]").last.click()
    tab.keyboard.type("Jeden Dienstag in der Stadtbücherei.", delay=30)
    form_action = "() => document.getElementById('page-edit-form').action"
    assert _wait_until(lambda: "/edit/" in tab.evaluate(form_action))
    tab.wait_for_timeout(1500)  # later autosaves of the edit form
    body = tab.locator("[data-contentpath='body']")
    assert body.locator("input[name$='-value']").first.input_value() == "Sprachcafé im Januar"
    assert "Stadtbücherei" in body.inner_text()
    tab.get_by_role("button", name=re.compile(r"^\s*Entwurf speichern\s*$")).first.click()
    tab.wait_for_load_state("networkidle")
    issues = NewsletterPage.objects.filter(title="Winterausgabe")
    assert issues.count() == 1
    saved = issues.get().get_latest_revision_as_object()
    blocks = [(block.block_type, str(block.value)) for block in saved.body]
    assert blocks[0] == ("heading", "Sprachcafé im Januar")
    assert blocks[1][0] == "text" and "Stadtbücherei" in blocks[1][1]
    context.close()
