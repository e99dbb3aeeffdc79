"""The directory's cards are rendered once per site, language, filters and page and kept
with the chrome (:mod:`networks.directory`): every change of an organisation, a contact
person or an action field shows on the next render; nothing kept for one filter, page,
language or town is served for another, and nothing personal is kept.

The page cache is off here, as it is for every signed-in visitor: what the tests see is
what the kept cards give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from networks.models import ContactPerson, Organisation

from .conftest import HOST, build_network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def visit(client, path, host=HOST, **query) -> str:
    answer = client.get(path, query, **host)
    assert answer.status_code == 200
    return answer.content.decode()


def organisation_queries(client, path, **query) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        visit(client, path, **query)
    return [q["sql"] for q in ctx.captured_queries if '"networks_organisation"' in q["sql"]]


def test_kept_cards_cost_no_query(client, network):
    url = network.directory.url
    assert organisation_queries(client, url)  # built once
    assert organisation_queries(client, url) == []  # then kept
    assert organisation_queries(client, url, language="ar") != []  # another filter: its own


def test_a_renamed_added_or_deleted_organisation_shows_at_once(client, network, site):
    url = network.directory.url
    assert "Caritasverband Beckum" in visit(client, url)
    network.caritas.name = "Caritas Beckum-Ahlen"
    network.caritas.save()
    html = visit(client, url)
    assert "Caritas Beckum-Ahlen" in html and "Caritasverband Beckum" not in html

    Organisation.objects.create(site=site, name="Haus der Begegnung", slug="hdb", languages="tr")
    html = visit(client, url)
    assert "Haus der Begegnung" in html and "3 Organisationen" in html

    network.vhs.delete()
    html = visit(client, url)
    assert "VHS Beckum-Wadersloh" not in html and "2 Organisationen" in html


def test_a_changed_contact_person_shows_at_once(client, network):
    url = network.directory.url
    assert "02521 123" in visit(client, url)
    network.contact.phone = "02521 456"
    network.contact.save()
    html = visit(client, url)
    assert "02521 456" in html and "02521 123" not in html
    ContactPerson.objects.create(organisation=network.vhs, name="Oksana Bilyk", languages="uk")
    assert "Oksana Bilyk" in visit(client, url)
    network.contact.delete()
    assert "Samira Nasser" not in visit(client, url)


def test_a_filter_is_not_served_for_another(client, network):
    url = network.directory.url
    names = ["Caritasverband Beckum", "VHS Beckum-Wadersloh"]

    def shown(**query):
        html = visit(client, url, **query)
        return {name for name in names if name in html}

    assert shown() == set(names)
    assert shown(language="ar") == {"Caritasverband Beckum"}
    assert shown(language="uk") == {"VHS Beckum-Wadersloh"}
    assert shown(kind="education") == {"VHS Beckum-Wadersloh"}
    assert shown(action_field="wohnen") == {"Caritasverband Beckum"}
    assert shown(action_field="wohnen", language="uk") == set()
    assert shown(q="Wohnungssuche") == {"Caritasverband Beckum"}  # words: never kept
    assert shown(q="Wadersloh") == {"VHS Beckum-Wadersloh"}
    assert shown() == set(names)


def test_each_page_of_the_list_is_its_own(client, network, site):
    for n in range(30):
        Organisation.objects.create(site=site, name=f"Verein {n:02d}", slug=f"verein-{n:02d}")
    url = network.directory.url
    first, second = visit(client, url), visit(client, url, page="2")
    assert "Verein 00" in first and "Verein 29" not in first
    assert "Verein 29" in second and "Verein 00" not in second
    # a number out of range is the last page, as Django's paginator has it; not a number: 1
    assert "Verein 29" in visit(client, url, page="99")
    assert "Verein 00" in visit(client, url, page="zwei")
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_the_other_towns_directory_is_never_this_towns(client, network, other_site):
    borken = build_network(other_site, slug_prefix="b-")
    borken.caritas.name = "Caritas Borken"
    borken.caritas.save()
    assert "Caritasverband Beckum" in visit(client, network.directory.url)
    html = visit(client, borken.directory.url, host={"HTTP_HOST": "borken.test"})
    assert "Caritas Borken" in html and "Caritasverband Beckum" not in html
    assert "Caritas Borken" not in visit(client, network.directory.url)


def test_the_arabic_cards_are_not_the_german_ones(client, network):
    arabic = network.housing.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic.name = "السكن"
    arabic.save()
    german = visit(client, network.directory.url)
    assert "Wohnen" in german and "السكن" not in german
    html = visit(client, "/ar" + network.directory.url)
    assert "السكن" in html and '<span class="tag">Wohnen</span>' not in html
    assert "السكن" not in visit(client, network.directory.url)


def test_nothing_personal_is_kept(network, make_user, network_members_group):
    """A member who opens the directory first leaves nothing of theirs for the next
    visitor: the cards are rendered without the request."""
    member = make_user("olena@example.org", first_name="Olena", last_name="Koval")
    member.groups.add(network_members_group)
    members_client = Client()
    members_client.force_login(member)
    mine = visit(members_client, network.directory.url)
    assert "Caritasverband Beckum" in mine
    anonymous = visit(Client(), network.directory.url)
    assert "Caritasverband Beckum" in anonymous
    assert "olena@example.org" not in anonymous and "Koval" not in anonymous
    # the directory posts nothing, so it makes no CSRF token; none may reach the next visitor
    token = members_client.cookies.get("csrftoken")
    assert token is None or token.value not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous
