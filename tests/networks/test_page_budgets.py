"""The network's pages, anonymously and as a member, in German and Arabic, render uncached
within their budget of SQL queries and never ask the same statement twice (issue 15; the
event pages are in tests/events/test_page_budgets.py).

Budgets are the figures measured on a warm process (chrome, routes and view restrictions
kept): a member pays for the session (none where Redis holds it, as in production), the user,
their rights and towns in one query, and what the page shows them alone (a working group's
join state, the meetings and groups they may see). What is the same for every visitor of a
town and language (action fields and their names, member organisations, the directory's
languages, the network page's sections, the title's section) is kept with the chrome, so
Arabic asks no more than German."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import HOST

pytestmark = pytest.mark.django_db
#: (anonymous, member), measured in de and ar (the same)
BUDGETS = {"network": (5, 8), "group": (2, 6), "directory": (7, 10), "measures": (5, 8)}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _queries(client, path):
    client.get(path, **HOST)  # a warm process: the chrome is built once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **HOST)
    assert response.status_code == 200, path
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("member", [False, True], ids=["anonymous", "member"])
@pytest.mark.parametrize("prefix", ["", "/ar"])
@pytest.mark.parametrize("kind", ["network", "group", "directory", "measures"])
def test_page_renders_within_its_budget(client, network, people, kind, prefix, member):
    if member:
        client.force_login(people["member"])
    page = {
        "network": network.page,
        "group": network.group,
        "directory": network.directory,
        "measures": network.measures_page,
    }[kind]
    queries = _queries(client, prefix + page.url)
    repeated = [sql for sql, n in Counter(queries).items() if n > 1]
    assert not repeated, repeated
    assert len(queries) <= BUDGETS[kind][member], queries


def _warm_page(client, path) -> str:
    client.get(path, **HOST)  # what the chrome keeps is built here
    response = client.get(path, **HOST)
    assert response.status_code == 200
    return response.content.decode()


def test_kept_names_follow_a_new_translation_of_an_action_field(client, network):
    """The Arabic pages ask for no action-field names: they are kept with the chrome, and a
    translation saved renews them on the next look."""
    from wagtail.models import Locale

    page = "/ar" + network.page.url
    assert "الإسكان" not in _warm_page(client, page)
    translation = network.housing.copy_for_translation(Locale.objects.get(language_code="ar"))
    translation.name = "الإسكان"
    translation.save()
    assert "الإسكان" in _warm_page(client, page)
    assert "الإسكان" in _warm_page(client, "/ar" + network.group.url)
    assert "الإسكان" in _warm_page(client, "/ar" + network.directory.url)
    translation.delete()
    assert "الإسكان" not in _warm_page(client, page)


def test_kept_lists_follow_organisations_and_contacts(client, network):
    """Member organisations, the directory's languages and the measures' organisation filter
    are kept with the chrome; an organisation or contact person saved or deleted renews them."""
    from networks.models import ContactPerson, Organisation

    assert "Caritasverband Beckum" in _warm_page(client, network.page.url)
    assert 'value="tr"' not in _warm_page(client, network.directory.url)
    network.caritas.name = "Caritas im Kreis Warendorf"
    network.caritas.save()
    ContactPerson.objects.create(organisation=network.vhs, name="Ayşe Demir", languages="tr")
    newcomer = Organisation.objects.create(site=network.site, name="Kulturbrücke", slug="kb")
    assert "Caritas im Kreis Warendorf" in _warm_page(client, network.page.url)
    assert "Kulturbrücke" in _warm_page(client, network.page.url)
    assert 'value="tr"' in _warm_page(client, network.directory.url)
    assert "Kulturbrücke" in _warm_page(client, network.measures_page.url)
    newcomer.delete()
    assert "Kulturbrücke" not in _warm_page(client, network.page.url)
    assert "Kulturbrücke" not in _warm_page(client, network.measures_page.url)
