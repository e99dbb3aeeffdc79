"""/sitemap.xml lists each town's organisations and measures, in every language the
directory and the measures database have, with the same page's translations as alternates."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from wagtail.models import Locale, PageViewRestriction

from networks.models import Organisation

from .conftest import HOST, build_network

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _translate(page, code: str):
    translation = page.copy_for_translation(
        Locale.objects.get(language_code=code), copy_parents=True
    )
    translation.save_revision().publish()
    return translation


def _sitemap(client, host: str = "beckum.test") -> dict[str, dict[str, str]]:
    response = client.get("/sitemap.xml", HTTP_HOST=host)
    assert response.status_code == 200
    tree = ET.fromstring(response.content)  # noqa: S314 - our own answer
    return {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in tree.findall("s:url", NS)
    }


def test_organisations_and_measures_of_the_town_with_their_translations(
    client, network, other_site
):
    borken = build_network(other_site, slug_prefix="b-")
    shared = Organisation.objects.create(name="Jobcenter Kreis Warendorf", slug="jobcenter")
    _translate(network.directory, "ar")
    _translate(network.measures_page, "ar")

    urls = _sitemap(client)

    base = "http://beckum.test/netzwerk/"
    caritas = f"{base}ansprechpersonen/caritas/"
    assert urls[caritas] == {
        "de": caritas,
        "ar": "http://beckum.test/ar/netzwerk/ansprechpersonen/caritas/",
        "x-default": caritas,
    }
    assert "http://beckum.test/ar/netzwerk/ansprechpersonen/caritas/" in urls
    assert f"{base}ansprechpersonen/vhs/" in urls
    assert f"{base}ansprechpersonen/{shared.slug}/" in urls  # no town: every directory has it
    measure = f"{base}massnahmen/sprachcafe/"
    assert urls[measure]["ar"] == "http://beckum.test/ar/netzwerk/massnahmen/sprachcafe/"
    # the other town's organisations and measures are its own
    assert not any(borken.caritas.slug in loc or borken.measure.slug in loc for loc in urls)
    assert not any("/vcard/" in loc or "export" in loc for loc in urls)
    # each listed address answers, in its language
    for loc in urls:
        path = urlsplit(loc).path
        assert client.get(path, **HOST).status_code == 200, path

    borken_urls = _sitemap(client, "borken.test")
    assert f"http://borken.test/b-netzwerk/massnahmen/{borken.measure.slug}/" in borken_urls
    assert f"http://borken.test/b-netzwerk/ansprechpersonen/{shared.slug}/" in borken_urls
    assert not any("/sprachcafe/" in loc for loc in borken_urls)


def test_a_restricted_directory_or_measures_database_lists_nothing_below_it(client, network):
    _translate(network.measures_page, "ar")
    PageViewRestriction.objects.create(page=network.directory, restriction_type="login")
    PageViewRestriction.objects.create(page=network.measures_page, restriction_type="login")

    urls = _sitemap(client)

    assert "http://beckum.test/netzwerk/" in urls
    assert not any("ansprechpersonen" in loc or "massnahmen" in loc for loc in urls)
