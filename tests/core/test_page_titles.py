"""Page titles on the demo, crawled through each town's sitemap in German and Arabic: a
translated page's <title> is its translation's title, one shown untranslated says in which
language it is, and no two public pages of a town share a <title> (in either language)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from wagtail.models import Locale, Page, Site

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _title(response) -> str:
    match = TITLE.search(response.content.decode())
    assert match, response.content[:300]
    return html.unescape(" ".join(match.group(1).split()))


def _language(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return first if first in {"en", "ar", "uk", "tr"} else "de"


def test_demo_titles_are_translated_and_unique_per_town(client):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    demo.load()
    arabic = Locale.objects.get(language_code="ar")
    translated_seen = 0
    for site in Site.objects.all():
        sitemap = client.get("/sitemap.xml", HTTP_HOST=site.hostname).content.decode()
        paths = [urlsplit(loc).path for loc in re.findall(r"<loc>(.*?)</loc>", sitemap)]
        paths = [path for path in paths if _language(path) in {"de", "ar"}]
        assert len(paths) > 40, site  # the crawl covers the town, sub-pages included
        seen: dict[str, str] = {}
        for path in paths:
            response = client.get(path, HTTP_HOST=site.hostname)
            assert response.status_code == 200, path  # the sitemap lists what anyone may see
            title = _title(response)
            assert title not in seen, f"{path} and {seen.get(title)} are both titled {title!r}"
            seen[title] = path

        # each page really translated into Arabic carries its translation's title
        arabic_root = site.root_page.get_translation(arabic)
        for page in (
            Page.objects.live()
            .descendant_of(arabic_root, inclusive=True)
            .filter(alias_of__isnull=True)
        ):
            response = client.get(page.get_url(), HTTP_HOST=site.hostname)
            title = _title(response)
            source = page.get_translation(Locale.get_default())
            assert title.startswith(page.title), (title, page.title)
            assert source.title not in title
            translated_seen += 1
        # and one shown in German says so, in Arabic
        german_contact = next(p for p in paths if _language(p) == "ar" and "impressum" in p)
        assert "(باللغة الألمانية)" in _title(client.get(german_contact, HTTP_HOST=site.hostname))
    assert translated_seen >= 1  # the demo's Arabic home page at least
