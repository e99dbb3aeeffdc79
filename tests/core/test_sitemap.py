"""/sitemap.xml and /robots.txt per site, in every language, without restricted pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Locale, PageViewRestriction

from treffpunkt.core.models import ContentPage

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_sitemap_lists_public_pages_with_alternates_and_no_restricted_ones(
    client, site, other_site
):
    for code in ["en", "ar"]:
        Locale.objects.get_or_create(language_code=code)
    arabic_home = site.root_page.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic_home.save_revision().publish()
    public = ContentPage(title="Kontakt", slug="kontakt")
    site.root_page.add_child(instance=public)
    public.save_revision().publish()
    secret = ContentPage(title="Intern", slug="intern")
    site.root_page.add_child(instance=secret)
    secret.save_revision().publish()
    PageViewRestriction.objects.create(page=secret, restriction_type="login")

    response = client.get("/sitemap.xml", HTTP_HOST="beckum.test")
    assert response.status_code == 200
    tree = ET.fromstring(response.content)  # noqa: S314 - our own answer
    locs = [loc.text for loc in tree.findall("s:url/s:loc", NS)]
    assert "http://beckum.test/" in locs and "http://beckum.test/kontakt/" in locs
    assert "http://beckum.test/ar/" in locs
    assert not any("intern" in loc for loc in locs)
    assert not any("borken" in loc for loc in locs)  # the other town's site is its own
    home = next(u for u in tree.findall("s:url", NS) if u.find("s:loc", NS).text.endswith("test/"))
    alternates = {link.get("hreflang"): link.get("href") for link in home.findall("x:link", NS)}
    assert alternates == {
        "de": "http://beckum.test/",
        "ar": "http://beckum.test/ar/",
        "x-default": "http://beckum.test/",
    }


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_accounts(client, site):
    text = client.get("/robots.txt", HTTP_HOST="beckum.test").content.decode()
    assert "Sitemap: http://beckum.test/sitemap.xml" in text
    assert "Disallow: /konto/" in text and "Disallow: /ar/konto/" in text
    assert "Disallow: /admin/" in text
