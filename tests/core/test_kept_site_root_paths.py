"""Wagtail's site root paths are kept per process and chrome generation (issue 15): a warm
process renders a page without asking the cache for them (Wagtail read them from Redis three
times per render), a site changed is seen at once, and without a shared cache they are read
as Wagtail reads them."""

from __future__ import annotations

import pytest
from django.db import transaction
from wagtail.models import Site

from treffpunkt.core import sites as core_sites

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
ROOT_PATHS_KEY = "wagtail_site_root_paths"


def test_a_warm_process_asks_the_cache_no_more(site, cache_round_trips):
    first = Site.get_site_root_paths()
    cache_round_trips.clear()
    again = Site.get_site_root_paths()
    assert ROOT_PATHS_KEY not in cache_round_trips.all_keys()
    assert again == first and {p.root_url for p in again} == {"http://beckum.test"}


def test_a_warm_process_renders_a_page_without_asking_for_them(
    client, site, menu, settings, cache_round_trips
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/ueber-uns/", **HOST)
    cache_round_trips.clear()
    response = client.get("/ueber-uns/", **HOST)
    assert response.status_code == 200 and b'href="/ueber-uns/"' in response.content
    assert ROOT_PATHS_KEY not in cache_round_trips.all_keys()


def test_a_site_changed_is_seen_at_once(site, other_site, cache_round_trips):
    Site.get_site_root_paths()
    assert {p.root_url for p in Site.get_site_root_paths()} >= {"http://borken.test"}
    other_site.hostname = "borken-neu.test"
    other_site.save()  # a new chrome generation; Wagtail clears its copy too
    cache_round_trips.clear()
    urls = {p.root_url for p in Site.get_site_root_paths()}
    assert "http://borken-neu.test" in urls and "http://borken.test" not in urls
    assert (
        ROOT_PATHS_KEY in cache_round_trips.all_keys()
    )  # read again, not from this process's memory


def test_each_caller_gets_its_own_list(site):
    mine = Site.get_site_root_paths()
    mine.clear()
    assert Site.get_site_root_paths()


def test_without_a_shared_cache_they_are_read_every_time(site, settings, cache_round_trips):
    settings.CACHE_SHARED_BY_PROCESSES = False
    Site.get_site_root_paths()
    cache_round_trips.clear()
    Site.get_site_root_paths()
    assert ROOT_PATHS_KEY in cache_round_trips.all_keys()


def test_what_a_pending_change_read_is_not_kept(site, other_site):
    core_sites._root_paths[0] = None
    with transaction.atomic():
        other_site.hostname = "borken-neu.test"
        other_site.save()  # uncommitted: the rows read now may yet be rolled back
        assert "http://borken-neu.test" in {p.root_url for p in Site.get_site_root_paths()}
        assert core_sites._root_paths[0] is None
