"""Easy-to-read German (Leichte Sprache): a content language of its own under ``/de-x-ls/``.

Editors translate pages into it like into any other language; it has its own entry in the
language switcher ("Leichte Sprache"), its own hreflang alternates and sitemap entries, and
a reading style. Its interface (menus, labels, dates, mails) is German, and so is the
``lang`` of the html element: ``de-x-ls`` is a BCP 47 private-use tag that browsers, screen
readers and hyphenation do not know, so it names the language in addresses and hreflang only.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from wagtail.models import Locale

from treffpunkt.core.models import ContentPage

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
LS = "de-x-ls"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def pages(site):
    """A page translated into Leichte Sprache, and one that exists there only as an alias
    (not yet translated)."""
    for code in ["de", "ar", LS]:
        Locale.objects.get_or_create(language_code=code)
    ls = Locale.objects.get(language_code=LS)
    contact = ContentPage(title="Kontakt und Beratung", slug="kontakt", intro="Beratung im Rathaus")
    site.root_page.add_child(instance=contact)
    contact.save_revision().publish()
    easy = contact.copy_for_translation(ls, copy_parents=True)
    easy.title = "So erreichen Sie uns"
    easy.intro = "Sie haben eine Frage? Wir helfen Ihnen."
    easy.save_revision().publish()
    imprint = ContentPage(title="Impressum", slug="impressum", intro="Angaben nach § 5 DDG")
    site.root_page.add_child(instance=imprint)
    imprint.save_revision().publish()
    home_ls = site.root_page.get_translation(ls)
    alias = imprint.create_alias(parent=home_ls, update_locale=ls)
    return {"contact": contact, "easy": easy, "imprint": imprint, "alias": alias}


def _html(client, path: str, **extra) -> str:
    response = client.get(path, **HOST, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_a_translated_page_has_its_own_address_and_german_lang(client, pages):
    html = _html(client, "/de-x-ls/kontakt/")
    assert "So erreichen Sie uns" in html
    assert "Wir helfen Ihnen." in html
    assert "Kontakt und Beratung" not in html
    # German to browsers and screen readers; the reading style on the body
    assert '<html lang="de" dir="ltr">' in html
    assert re.search(r'<body class="easy-read[ "]', html)
    assert "css/easy-read.css" in html
    # the German page stays as it was
    german = _html(client, "/kontakt/")
    assert "Kontakt und Beratung" in german and "So erreichen Sie uns" not in german
    assert "easy-read" not in german


def test_the_interface_falls_back_to_german(client, pages):
    html = _html(client, "/de-x-ls/kontakt/")
    assert "Zum Inhalt springen" in html  # "Skip to content" from the German catalogue
    assert "Skip to content" not in html
    from treffpunkt.core.localize import format_date, language_name

    day = dt.date(2026, 12, 12)
    assert (
        format_date(day, language=LS)
        == format_date(day, language="de")
        == ("Samstag, 12. Dezember 2026")
    )
    assert language_name(LS) == "Leichte Sprache"
    assert language_name(LS, "en") == "Leichte Sprache"
    assert language_name("de", LS) == "Deutsch"


def _switcher(html: str) -> str:
    return html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]


def test_the_switcher_offers_leichte_sprache_on_the_same_page(client, pages):
    switcher = _switcher(_html(client, "/kontakt/"))
    link = re.search(
        r'<a href="([^"]+)" lang="([^"]+)" dir="ltr" hreflang="de-x-ls"[^>]*>'
        r"Leichte Sprache</a>",
        switcher,
    )
    assert link, switcher
    assert link.group(1) == "/sprache/de-x-ls/?next=/de-x-ls/kontakt/"
    assert link.group(2) == "de"  # the label is German
    response = client.get(link.group(1), **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/de-x-ls/kontakt/"
    assert response.cookies[COOKIE].value == LS
    # on the easy-read page: marked as current, and German leads back to the German page
    switcher = _switcher(_html(client, "/de-x-ls/kontakt/"))
    assert re.search(r'hreflang="de-x-ls" aria-current="true">Leichte Sprache</a>', switcher)
    assert 'href="/sprache/de/?next=/kontakt/"' in switcher
    assert 'href="/sprache/ar/?next=/ar/kontakt/"' in switcher
    # the choice from the easy-read page back to German
    response = client.get("/sprache/de/?next=/de-x-ls/kontakt/", **HOST)
    assert response["Location"] == "/kontakt/"


def test_an_untranslated_page_shows_german_with_a_note(client, pages):
    html = _html(client, "/de-x-ls/impressum/")
    assert "Angaben nach § 5 DDG" in html
    assert "Diesen Text gibt es noch nicht in Leichter Sprache." in html
    assert 'class="untranslated-note"' in html
    # a translated page has no note, and neither has the German page
    assert "untranslated-note" not in _html(client, "/de-x-ls/kontakt/")
    assert "untranslated-note" not in _html(client, "/impressum/")


def test_the_source_language_of_an_untranslated_page_is_kept(client, pages, settings):
    """Which language an alias shows is kept with the chrome: a warm process marks the
    text ``lang="de"`` without asking for the source page's locale (issue 15)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    _html(client, "/de-x-ls/impressum/")
    with CaptureQueriesContext(connection) as queries:
        html = _html(client, "/de-x-ls/impressum/")
    assert '<h1 lang="de" dir="ltr">' in html or ' lang="de" dir="ltr">Impressum' in html
    assert not [q["sql"] for q in queries if 'AS "locale__language_code"' in q["sql"]]


def test_hreflang_alternates_name_the_easy_read_page(client, pages):
    for path in ("/kontakt/", "/de-x-ls/kontakt/"):
        html = _html(client, path)
        alternates = dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
        )
        assert alternates[LS] == "http://beckum.test/de-x-ls/kontakt/", path
        assert alternates["de"] == "http://beckum.test/kontakt/"
        assert alternates["x-default"] == "http://beckum.test/kontakt/"


def test_sitemap_lists_the_easy_read_pages_with_alternates(client, pages):
    xml = client.get("/sitemap.xml", **HOST).content.decode()
    entries = re.findall(r"<url><loc>([^<]+)</loc>(.*?)</url>", xml, re.S)
    by_loc = dict(entries)
    assert "http://beckum.test/de-x-ls/kontakt/" in by_loc
    assert (
        'hreflang="de-x-ls" href="http://beckum.test/de-x-ls/kontakt/"'
        in by_loc["http://beckum.test/kontakt/"]
    )
    assert (
        'hreflang="de" href="http://beckum.test/kontakt/"'
        in by_loc["http://beckum.test/de-x-ls/kontakt/"]
    )
    robots = client.get("/robots.txt", **HOST).content.decode()
    assert "Disallow: /de-x-ls/konto/" in robots


def test_people_choose_their_mail_language_among_the_interface_languages(client, pages):
    """Mails and a person's preferred language are in the interface languages: Leichte
    Sprache is a content language (its interface is German), so it is no choice there."""
    from plugins.newsletter.forms import SubscribeForm  # noqa: F401 - imported for the check
    from treffpunkt.accounts.forms import SignupForm

    codes = [code for code, _name in SignupForm().fields["preferred_language"].choices]
    assert codes == ["de", "en", "ar", "uk", "tr"]


@pytest.mark.parametrize(
    "path",
    ["/de-x-ls/suche/?q=Kontakt", "/de-x-ls/accounts/login/", "/de-x-ls/accounts/password/reset/"],
)
def test_core_views_answer_under_the_prefix_in_german(client, pages, path):
    html = _html(client, path)
    assert '<html lang="de" dir="ltr">' in html
    assert "easy-read" in html


def test_an_unknown_variant_prefix_is_not_leichte_sprache(client, pages):
    assert client.get("/de-x-foo/kontakt/", **HOST).status_code == 404
    assert client.get("/sprache/de-x-foo/?next=/", **HOST).status_code == 404


def test_an_editor_translates_a_page_into_leichte_sprache_in_the_admin(client, site, staff):
    """The admin's translate action (wagtail-localize) offers Leichte Sprache beside the
    other languages and makes the page's easy-German version, which then opens for editing
    and, once published, answers under /de-x-ls/."""
    for code in ["de", "ar", LS]:
        Locale.objects.get_or_create(language_code=code)
    ls = Locale.objects.get(language_code=LS)
    page = ContentPage(title="Wohnungssuche", slug="wohnen", intro="Hilfe bei der Wohnungssuche")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    client.force_login(staff)

    form = client.get(f"/admin/localize/submit/page/{page.pk}/", **HOST)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'value="{ls.pk}"' in html and "Leichte Sprache" in html

    answer = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [ls.pk]}, **HOST)
    assert answer.status_code == 302
    easy = ContentPage.objects.get(translation_key=page.translation_key, locale=ls)
    assert answer["Location"].endswith(f"/admin/pages/{easy.pk}/edit/")
    assert client.get(answer["Location"], **HOST).status_code == 200

    easy.title = "Sie suchen eine Wohnung?"
    easy.save_revision().publish()
    client.logout()
    shown = client.get(f"/{LS}/wohnen/", **HOST)
    assert shown.status_code == 200 and "Sie suchen eine Wohnung?" in shown.content.decode()
