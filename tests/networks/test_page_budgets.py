"""The network's pages, anonymously and as a member, in German and Arabic, render uncached
within their budget of SQL queries and never ask the same statement twice (issue 15; the
event pages are in tests/events/test_page_budgets.py).

Budgets are the figures measured on a warm process (chrome, routes and view restrictions
kept): a member pays for the session (none where Redis holds it, as in production), the user,
their rights and roles, and what the page shows them alone (a working group's members,
documents and join state)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import HOST

pytestmark = pytest.mark.django_db
#: (anonymous, member), measured in de and ar (the larger)
BUDGETS = {"network": (14, 18), "group": (6, 12), "directory": (14, 17), "measures": (12, 15)}


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
