"""Wagtail's walk down the page tree, remembered per address (treffpunkt.core.routing):
fewer queries, and never a page the walk would not find.

Every test visits an address once (the walk is remembered), changes something, and checks
that the next visit answers as Wagtail's own walk does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from networks.models import Organisation
from treffpunkt.core import routing
from treffpunkt.core.models import ContentPage

from .conftest import publish

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0
    routing.forget_all()


def _child_lookups(client, path) -> tuple[int, list[str]]:
    """The answer's status and the queries that looked up a child page by its slug."""
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path, **HOST).status_code
    return status, [
        q["sql"] for q in ctx.captured_queries if '"wagtailcore_page"."slug" =' in q["sql"]
    ]


def test_a_second_visit_does_not_walk_the_tree(client, network):
    path = network.group.url
    status, first = _child_lookups(client, path)
    assert status == 200 and len(first) >= 3  # home -> network -> groups -> group
    status, second = _child_lookups(client, path)
    assert status == 200 and second == []


def test_a_second_visit_reads_only_the_pages_address_and_state(client, network):
    """The remembered page is kept too: a warm process checks its row's ``url_path`` and
    ``live`` (one plain query) instead of reading the page's whole row again (issue 15)."""
    page = publish(network.page, ContentPage(title="Kontakt", slug="kontakt"))
    for _visit in range(2):  # the walk is remembered, then the page it found
        assert client.get(page.url, **HOST).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url, **HOST)
    assert response.status_code == 200 and response.context["page"].pk == page.pk
    assert not [q["sql"] for q in ctx.captured_queries if '"core_contentpage"' in q["sql"]]
    assert [q["sql"] for q in ctx.captured_queries if "SELECT url_path, live" in q["sql"]]


def test_without_a_shared_cache_the_page_is_read_every_time(client, network, settings):
    """Each process has its own generation then: a page published by another process (the
    task worker, a command) would not renew this one's, so no page is kept."""
    settings.CACHE_SHARED_BY_PROCESSES = False
    page = publish(network.page, ContentPage(title="Kontakt", slug="kontakt"))
    for _visit in range(2):
        assert client.get(page.url, **HOST).status_code == 200
    ContentPage.objects.filter(pk=page.pk).update(title="Kontakt und Beratung")  # elsewhere
    response = client.get(page.url, **HOST)
    assert response.status_code == 200 and response.context["page"].title == "Kontakt und Beratung"
    assert not routing._pages


def test_a_routable_page_below_a_remembered_one_is_found_from_it(client, network):
    """An organisation's address (a sub-address of the directory) after the directory's."""
    assert client.get(network.directory.url, **HOST).status_code == 200
    status, lookups = _child_lookups(client, network.directory.url + network.caritas.slug + "/")
    assert status == 200 and lookups == []
    assert client.get(network.directory.url + "keine-solche/", **HOST).status_code == 404


def test_a_renamed_page_is_no_longer_at_its_old_address(client, network):
    old = network.group.url
    assert client.get(old, **HOST).status_code == 200
    network.group.slug = "neuer-name"
    network.group.save_revision().publish()
    assert client.get(old, **HOST).status_code == 404
    assert client.get(network.groups_index.url + "neuer-name/", **HOST).status_code == 200


def test_a_change_behind_the_signals_back_is_checked_against_the_row(client, network):
    """A page renamed or unpublished by a queryset update (no signal, no new generation):
    the remembered walk is checked against the page's row and not trusted."""
    old = network.group.url
    for _visit in range(3):  # walked, then the page read and kept, then the kept copy
        assert client.get(old, **HOST).status_code == 200
    Page.objects.filter(pk=network.group.pk).update(
        slug="anders", url_path=network.group.url_path.replace(network.group.slug, "anders")
    )
    assert client.get(old, **HOST).status_code == 404
    for _visit in range(3):
        assert client.get(network.groups_index.url + "anders/", **HOST).status_code == 200
    Page.objects.filter(pk=network.group.pk).update(live=False)
    assert client.get(network.groups_index.url + "anders/", **HOST).status_code == 404


def test_a_deleted_page_and_a_new_one_at_its_address(client, network):
    old = network.group.url
    assert client.get(old, **HOST).status_code == 200
    slug = network.group.slug
    network.group.delete()
    assert client.get(old, **HOST).status_code == 404
    newcomer = publish(network.groups_index, ContentPage(title="Neu", slug=slug))
    response = client.get(old, **HOST)
    assert response.status_code == 200 and response.context["page"].pk == newcomer.pk


def test_a_routable_page_above_answers_before_the_children(client, network):
    """The directory answers ``<slug>/vcard/`` itself, before looking for a child page of
    that slug: a page remembered below it must not take the address over."""
    Organisation.objects.filter(pk=network.caritas.pk).update(slug="c")
    child = publish(network.directory, ContentPage(title="C", slug="c"))
    publish(child, ContentPage(title="vcard", slug="tiefer"))
    deeper = network.directory.url + "c/tiefer/"
    assert client.get(deeper, **HOST).status_code == 200  # the walk went through the child
    response = client.get(network.directory.url + "c/vcard/", **HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")


def test_an_unpublished_page_answers_404_from_memory_too(client, network):
    path = network.group.url
    assert client.get(path, **HOST).status_code == 200
    network.group.unpublish()
    assert client.get(path, **HOST).status_code == 404


def test_the_other_towns_pages_are_not_answered_from_this_towns_memory(client, network, other_site):
    """Same address, other host: each site routes from its own home page."""
    path = network.page.url
    assert client.get(path, **HOST).status_code == 200
    host = {"HTTP_HOST": other_site.hostname}
    assert client.get(path, **host).status_code == 404


def test_the_memory_is_not_filled_by_made_up_addresses(client, network):
    for n in range(20):
        assert client.get(f"/gibt-es-nicht-{n}/", **HOST).status_code == 404
    assert not any("gibt-es-nicht" in "/".join(key[2]) for key in routing._memory)


def test_an_address_of_thousands_of_parts_is_looked_up_a_bounded_number_of_times(
    client, network, monkeypatch
):
    """The memory is asked for each part of the address that could lead to a remembered
    page, never more than the deepest page it keeps: a made-up address of 5,000 parts costs
    what a short one does."""
    assert client.get(network.group.url, **HOST).status_code == 200
    asked = []

    class Counting(dict):
        def get(self, key, default=None):
            asked.append(key)
            return super().get(key, default)

    monkeypatch.setattr(routing, "_memory", Counting(routing._memory))
    assert client.get("/" + "a/" * 5000, **HOST).status_code == 404
    assert 0 < len(asked) <= routing.MAX_DEPTH + 1
