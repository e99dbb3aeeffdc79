"""A working group's page names its coordinators to everyone; the names are kept in the
cache until a membership, a person or an organisation changes (issue 15), and every such
change shows at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from networks.models import Membership

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _page(network) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(network.group.url, **HOST)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _coordinators(html: str) -> str:
    start = html.index('id="coordinators-heading"')
    return html[start : html.index("</ul>", start)]


def test_the_coordinators_are_named_without_a_query_and_every_change_shows(network, people):
    html, _ = _page(network)
    assert "Petra Wessel" in _coordinators(html)
    assert "Olena Koval" not in _coordinators(html)  # a member, no coordinator
    html, queries = _page(network)
    assert "Petra Wessel" in _coordinators(html)
    assert not [q for q in queries if '"networks_membership"' in q]

    # a person renamed
    coordinator = people["coordinator"]
    coordinator.last_name = "Wessel-Kaya"
    coordinator.save()
    assert "Petra Wessel-Kaya" in _coordinators(_page(network)[0])

    # an organisation made coordinator, then renamed
    Membership.objects.create(
        working_group=network.group,
        organisation=network.vhs,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    )
    assert "VHS Beckum-Wadersloh" in _coordinators(_page(network)[0])
    network.vhs.name = "Volkshochschule Beckum-Wadersloh"
    network.vhs.save()
    assert "Volkshochschule Beckum-Wadersloh" in _coordinators(_page(network)[0])

    # the person leaves the group
    Membership.objects.get(user=coordinator).delete()
    assert "Petra" not in _coordinators(_page(network)[0])


def test_without_a_shared_cache_the_coordinators_are_read_every_time(network, people, settings):
    settings.CACHE_SHARED_BY_PROCESSES = False
    _page(network)
    html, queries = _page(network)
    assert "Petra Wessel" in _coordinators(html)
    assert [q for q in queries if '"networks_membership"' in q]
