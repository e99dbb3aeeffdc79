"""treffpunkt.core.sites.site_of_page: the page's own town, from the request without a query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from treffpunkt.core.sites import site_of_page

pytestmark = pytest.mark.django_db


def _request(host: str):
    request = RequestFactory().get("/", HTTP_HOST=host)
    Site.find_for_request(request)  # as the middleware has done before any page's context
    return request


def test_the_requests_site_when_the_page_is_in_it(site, other_site):
    page = site.root_page
    request = _request("beckum.test")
    site_of_page(page, request)  # Wagtail's list of root paths, cached after the first call
    with CaptureQueriesContext(connection) as queries:
        found = site_of_page(page, request)
    assert found is Site.find_for_request(request)
    assert len(queries) == 0


def test_the_pages_own_site_from_another_towns_host(site, other_site):
    """An admin previewing Borken's page on Beckum's host sees Borken."""
    page = other_site.root_page
    assert site_of_page(page, _request("beckum.test")) == other_site
    assert site_of_page(page) == other_site


def test_no_site_for_a_page_outside_every_site(site):
    from wagtail.models import Page

    root = Page.get_first_root_node()
    assert site_of_page(root, _request("beckum.test")) is None
