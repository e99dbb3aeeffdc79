"""The network page's fields of action and member organisations are rendered once per site,
language and page and kept with the chrome (:mod:`networks.network_sections`); the working
groups and upcoming events stay per visitor.

The page cache is off here, as it is for every signed-in visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import Locale

from networks.models import Organisation

from .conftest import HOST, build_network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def visit(client, path, host=HOST) -> str:
    answer = client.get(path, **host)
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_changed_field_or_member_organisation_shows_at_once(client, network, site):
    url = network.page.url
    html = visit(client, url)
    assert "Alle finden angemessenen Wohnraum." in html and "Haus der Begegnung" not in html
    network.housing.guiding_principle = "Jede und jeder findet eine Wohnung."
    network.housing.save()
    assert "Jede und jeder findet eine Wohnung." in visit(client, url)
    Organisation.objects.create(site=site, name="Haus der Begegnung", slug="hdb", is_member=True)
    assert "Haus der Begegnung" in visit(client, url)
    Organisation.objects.filter(slug="hdb").first().delete()
    assert "Haus der Begegnung" not in visit(client, url)


def test_languages_and_towns_each_their_own(client, network, other_site):
    arabic = network.housing.copy_for_translation(Locale.objects.get(language_code="ar"))
    arabic.name = "السكن الملائم"
    arabic.save()
    assert "السكن الملائم" not in visit(client, network.page.url)
    assert "السكن الملائم" in visit(client, "/ar/netzwerk/")
    borken = build_network(other_site, slug_prefix="b-")
    borken.housing.guiding_principle = "Borkener Leitsatz"
    borken.housing.save()
    assert "Borkener Leitsatz" in visit(client, borken.page.url, {"HTTP_HOST": "borken.test"})
    assert "Borkener Leitsatz" not in visit(client, network.page.url)


def test_restricted_groups_stay_with_the_member(network, make_user, network_members_group):
    """What a member may see beyond a visitor (a group under a view restriction) is never
    in the kept sections: a visitor after the member does not see it."""
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=network.group, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(network_members_group)
    member = make_user("olena@example.org", first_name="Olena", last_name="Koval")
    member.groups.add(network_members_group)
    members_client = Client()
    members_client.force_login(member)
    assert "Kontakt mit Behörden" in visit(members_client, network.page.url)
    anonymous = visit(Client(), network.page.url)
    assert "Kontakt mit Behörden" not in anonymous and "Koval" not in anonymous
    assert "Alle finden angemessenen Wohnraum." in anonymous
