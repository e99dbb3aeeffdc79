"""The cache of public pages: served to visitors without a session, renewed on any content
change, never to logged-in people, and forms keep working from a cached page."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from treffpunkt.core import pagecache

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def cache_on(settings, site):
    settings.PAGE_CACHE_SECONDS = 60
    # a site's first visit makes its settings rows, which is a change of content
    Client().get("/", **HOST)
    cache.clear()


def test_second_visit_is_served_from_the_cache_without_sql(client, site, django_assert_num_queries):
    first = client.get("/", **HOST)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/", **HOST)
    assert second["X-Page-Cache"] == "hit"
    # the same page, with a fresh CSP nonce of its own (tests/core/test_headers.py)
    unnonced = re.compile(rb'nonce="[^"]+"')
    assert unnonced.sub(b"", second.content) == unnonced.sub(b"", first.content)
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second.headers  # the outer middlewares still run


def test_other_host_path_or_query_is_another_entry(client, site, other_site):
    client.get("/", **HOST)
    assert client.get("/", HTTP_HOST="borken.test")["X-Page-Cache"] == "miss"
    assert client.get("/", HTTP_HOST="borken.test")["X-Page-Cache"] == "hit"
    assert client.get("/?seite=2", **HOST)["X-Page-Cache"] == "miss"
    assert client.get("/ar/", **HOST)["X-Page-Cache"] == "miss"


def test_publishing_a_change_renders_the_page_again(client, site):
    client.get("/", **HOST)
    home = site.root_page.specific
    home.title = "Beckum: Willkommen im Treffpunkt"
    home.hero_title = "Neu im Netzwerk"
    home.save_revision().publish()
    response = client.get("/", **HOST)
    assert response["X-Page-Cache"] == "miss"
    assert "Neu im Netzwerk" in response.content.decode()


def test_changes_made_without_model_signals_can_renew_the_pages(client, site):
    """Code that changes rows with QuerySet.update() calls content_changed() itself."""
    client.get("/", **HOST)
    assert client.get("/", **HOST)["X-Page-Cache"] == "hit"
    pagecache.content_changed()
    assert client.get("/", **HOST)["X-Page-Cache"] == "miss"


def test_changes_that_never_show_leave_the_cache_alone(client, site):
    client.get("/", **HOST)
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() + timedelta(days=1)
    )
    assert client.get("/", **HOST)["X-Page-Cache"] == "hit"


def test_logged_in_people_always_get_a_fresh_page(client, site, user):
    client.get("/", **HOST)
    client.force_login(user)
    response = client.get("/", **HOST)
    assert "X-Page-Cache" not in response
    assert "Mein Treffpunkt" in response.content.decode()


def test_htmx_and_post_requests_pass_by(client, site):
    client.get("/", **HOST)
    assert "X-Page-Cache" not in client.get("/", HTTP_HX_REQUEST="true", **HOST)


def test_errors_and_redirects_are_not_stored(client, site):
    client.get("/gibt-es-nicht/", **HOST)
    response = client.get("/gibt-es-nicht/", **HOST)
    assert response.status_code == 404 and "X-Page-Cache" not in response


def test_switched_off_with_zero_seconds(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/", **HOST)
    assert "X-Page-Cache" not in client.get("/", **HOST)


@pytest.mark.django_db(transaction=True)
def test_a_change_renews_the_pages_again_when_it_is_committed(site):
    """A page rendered by another request while the change was not yet committed was
    stored under the new generation: the commit starts one more (once per transaction)."""
    from django.db import transaction

    from treffpunkt.core.models import SiteConfiguration

    config = SiteConfiguration.for_site(site)
    before = pagecache.generation()
    with transaction.atomic():
        config.town_name = "Beckum (Westf.)"
        config.save()
        config.save()
        assert pagecache.generation() == before + 2
    assert pagecache.generation() == before + 3


def test_the_site_of_a_host_is_looked_up_once_until_a_site_changes(
    site, other_site, django_assert_num_queries
):
    from django.test import RequestFactory

    from treffpunkt.core.middleware import find_site
    from treffpunkt.core.models import SiteConfiguration

    rf = RequestFactory()
    assert find_site(rf.get("/", HTTP_HOST="borken.test")) == other_site
    with django_assert_num_queries(0):
        request = rf.get("/", HTTP_HOST="borken.test")
        assert find_site(request) == other_site
        assert SiteConfiguration.for_request(request).theme == "borken"

    config = SiteConfiguration.for_site(other_site)
    config.theme = "neutral"
    config.save()
    request = rf.get("/", HTTP_HOST="borken.test")
    find_site(request)
    assert SiteConfiguration.for_request(request).theme == "neutral"

    other_site.hostname = "borken.example.test"
    other_site.save()
    assert find_site(rf.get("/", HTTP_HOST="borken.test")) == site  # the default site now
    assert find_site(rf.get("/", HTTP_HOST="borken.example.test")) == other_site
