"""List pages run the same number of SQL queries for 10 and for 1,000 records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from networks.models import (
    ContactPerson,
    Indicator,
    Measure,
    Organisation,
    WorkingGroupPage,
)

from .conftest import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """The records are added with bulk_create (no signals): count the queries of rendering,
    not of the page cache."""
    settings.PAGE_CACHE_SECONDS = 0


def add_organisations(site, fields, start: int, count: int) -> None:
    orgs = Organisation.objects.bulk_create(
        Organisation(
            site=site, name=f"Verein {n:04}", slug=f"verein-{n}", languages="de,ar", city="Beckum"
        )
        for n in range(start, start + count)
    )
    ContactPerson.objects.bulk_create(
        ContactPerson(organisation=o, name=f"Person {o.pk}", languages="ar", sort_order=0)
        for o in orgs
    )
    Through = Organisation.action_fields.through
    Through.objects.bulk_create(
        Through(organisation=o, actionfield=fields[n % len(fields)]) for n, o in enumerate(orgs)
    )


def add_measures(site, fields, orgs, start: int, count: int) -> None:
    measures = Measure.objects.bulk_create(
        Measure(
            site=site,
            title=f"Maßnahme {n:04}",
            slug=f"massnahme-{n}",
            action_field=fields[n % len(fields)],
            lead_organisation=orgs[n % len(orgs)],
            target_group="Familien",
        )
        for n in range(start, start + count)
    )
    Indicator.objects.bulk_create(
        Indicator(measure=m, name="Teilnehmende", target=10, current_value=5, sort_order=0)
        for m in measures
    )
    Through = Measure.participants.through
    Through.objects.bulk_create(
        Through(measure=m, organisation=orgs[n % len(orgs)]) for n, m in enumerate(measures)
    )


def add_groups(index, fields, start: int, count: int) -> None:
    for n in range(start, start + count):
        index.add_child(
            instance=WorkingGroupPage(
                title=f"AG {n:04}",
                slug=f"ag-{n}",
                purpose="Zusammenarbeit",
                action_field=fields[n % len(fields)],
            )
        )


def count_queries(client, url, params=None) -> int:
    # The first request fills per-process caches (site, locales, templates): not counted.
    client.get(url, params or {}, **HOST)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {}, **HOST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params", [{}, {"language": "ar", "action_field": "wohnen", "q": "Verein"}]
)
def test_directory_queries_do_not_grow(client, site, network, params):
    fields = [network.housing, network.language]
    add_organisations(site, fields, 0, 8)
    few = count_queries(client, network.directory.url, params)
    add_organisations(site, fields, 8, 992)
    many = count_queries(client, network.directory.url, params)
    assert many == few


@pytest.mark.parametrize("params", [{}, {"status": "planned", "q": "Maßnahme"}])
def test_measure_list_queries_do_not_grow(client, site, network, params):
    fields = [network.housing, network.language]
    orgs = [network.caritas, network.vhs]
    add_measures(site, fields, orgs, 0, 9)
    few = count_queries(client, network.measures_page.url, params)
    add_measures(site, fields, orgs, 9, 991)
    many = count_queries(client, network.measures_page.url, params)
    assert many == few


def test_working_group_queries_do_not_grow(client, network, people):
    # Pages are made one by one through the tree (about 0.1 s each), so 10 vs 250 here;
    # the benchmark in bench/bench_pages_networks.py runs 1,000.
    fields = [network.housing, network.language]
    add_groups(network.groups_index, fields, 0, 9)
    few_index = count_queries(client, network.groups_index.url)
    few_network = count_queries(client, network.page.url)
    client.force_login(people["coordinator"])
    few_space = count_queries(client, network.group.url + "intern/")
    client.logout()
    cold_index, cold_network = first_render_queries(client, network)
    add_groups(network.groups_index, fields, 9, 241)
    # the first render after the groups were published reads the list again: no more often
    assert first_render_queries(client, network) == (cold_index, cold_network)
    # then the list is kept, however long (and the network page counts no total)
    assert count_queries(client, network.groups_index.url) == few_index
    assert count_queries(client, network.page.url) == few_network
    client.force_login(people["coordinator"])
    assert count_queries(client, network.group.url + "intern/") == few_space


def first_render_queries(client, network) -> tuple[int, int]:
    """Queries of the groups' index and the network page rendered right after a change."""
    from treffpunkt.core import chrome

    counts = []
    for url in (network.groups_index.url, network.page.url):
        chrome.chrome_changed()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, **HOST).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts[0], counts[1]


def test_the_kept_group_list_follows_each_visitors_restrictions(client, network, people):
    """A group under a view restriction is kept out of the list of those who do not pass
    it, also when someone who passes it was shown the list first."""
    from django.db import transaction
    from wagtail.models import PageViewRestriction

    with transaction.atomic():  # committed, as an editor's change is
        PageViewRestriction.objects.create(page=network.group, restriction_type="login")
    title = network.group.title
    client.force_login(people["coordinator"])
    assert title in client.get(network.groups_index.url, **HOST).content.decode()
    assert title in client.get(network.page.url, **HOST).content.decode()
    client.logout()
    assert title not in client.get(network.groups_index.url, **HOST).content.decode()
    assert title not in client.get(network.page.url, **HOST).content.decode()


def test_long_lists_are_shown_in_parts(client, site, network):
    from networks.models import NetworkPage

    fields = [network.housing, network.language]
    add_groups(network.groups_index, fields, 0, 30)
    add_organisations(site, fields, 0, 60)
    Organisation.objects.update(is_member=True)
    groups = WorkingGroupPage.objects.child_of(network.groups_index).live().count()
    members = Organisation.objects.filter(is_member=True).count()

    page = client.get(network.page.url, **HOST).content.decode()
    group_link = f'class="card__title"><a href="{network.groups_index.url}'
    assert page.count(group_link) == NetworkPage.GROUPS_SHOWN
    assert f"Alle Arbeitsgruppen ({groups})" in page
    assert f"{NetworkPage.MEMBERS_SHOWN} von {members} Mitgliedsorganisationen angezeigt" in page
    assert f'href="{network.directory.url}verein-0/"' in page

    first = client.get(network.groups_index.url, **HOST).content.decode()
    assert first.count('class="card__title"') == 24
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(network.groups_index.url, {"page": "2"}, **HOST).content.decode()
    assert last.count('class="card__title"') == groups - 24
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # a page number out of range or not a number gives a page, never an error
    assert client.get(network.groups_index.url, {"page": "99"}, **HOST).status_code == 200
    assert client.get(network.groups_index.url, {"page": "x"}, **HOST).status_code == 200
    filtered = client.get(network.groups_index.url, {"status": "active"}, **HOST)
    assert 'href="?status=active&amp;page=2"' in filtered.content.decode()  # filter kept
