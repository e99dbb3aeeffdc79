"""The measures table is rendered once per site, language, filters and page and kept until
content changes (:mod:`networks.measure_list`): a changed measure, indicator or lead shows on
the next render, and nothing kept for one filter or language is served for another.

The page cache is off here, as it is for every signed-in visitor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from networks.models import Measure

from .conftest import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def visit(client, path, **query) -> str:
    answer = client.get(path, query, **HOST)
    assert answer.status_code == 200
    return answer.content.decode()


def test_kept_rows_cost_no_query(client, network):
    url = network.measures_page.url
    visit(client, url)
    with CaptureQueriesContext(connection) as ctx:
        assert "Sprachcafé" in visit(client, url)
    assert not [q for q in ctx.captured_queries if '"networks_measure"' in q["sql"]]


def test_a_changed_measure_indicator_or_lead_shows_at_once(client, network, site):
    url = network.measures_page.url
    html = visit(client, url)
    assert "Sprachcafé" in html and "Teilnehmende: 25 %" in html
    network.measure.title = "Sprachcafé International"
    network.measure.save()
    assert "Sprachcafé International" in visit(client, url)
    network.indicator.current_value = 20
    network.indicator.save()
    assert "Teilnehmende: 50 %" in visit(client, url)
    network.vhs.name = "VHS Beckum"
    network.vhs.save()
    assert "<td>VHS Beckum</td>" in visit(client, url)
    Measure.objects.create(site=site, title="Patenschaften", slug="paten", status="planned")
    html = visit(client, url)
    assert "Patenschaften" in html and "2 Maßnahmen" in html
    network.measure.delete()
    assert "Sprachcafé" not in visit(client, url)


def test_a_filter_or_language_is_not_served_for_another(client, network, site):
    Measure.objects.create(site=site, title="Patenschaften", slug="paten", status="planned")
    url = network.measures_page.url
    both = visit(client, url)
    assert "Sprachcafé" in both and "Patenschaften" in both
    running = visit(client, url, status="running")
    assert "Sprachcafé" in running and "Patenschaften" not in running
    planned = visit(client, url, status="planned")
    assert "Patenschaften" in planned and "Sprachcafé" not in planned
    assert "Patenschaften" not in visit(client, url, action_field="sprache")
    assert "Patenschaften" in visit(client, url, q="Paten")  # words: never kept
    assert "Sprachcafé" not in visit(client, url, q="Paten")

    arabic = network.language.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic.name = "اللغة والتعلم"
    arabic.save()
    assert "اللغة والتعلم" not in visit(client, url)
    assert "اللغة والتعلم" in visit(client, "/ar" + url)
    assert "اللغة والتعلم" not in visit(client, url)


def test_the_other_towns_measures_are_never_this_towns(client, network, other_site):
    from .conftest import build_network

    borken = build_network(other_site, slug_prefix="b-")
    borken.measure.title = "Sprachcafé Borken"
    borken.measure.save()
    assert "Sprachcafé Borken" not in visit(client, network.measures_page.url)
    html = client.get(borken.measures_page.url, HTTP_HOST="borken.test").content.decode()
    assert "Sprachcafé Borken" in html
    assert "Sprachcafé Borken" not in visit(client, network.measures_page.url)
