"""The meetings' pages, anonymously and as a member, in German and Arabic, render uncached
within their budget of SQL queries and never ask the same statement twice (issue 15; the event
and network pages have theirs in tests/events and tests/networks).

Budgets are the figures measured on a warm process; a member pays for the session (none where
Redis holds it, as in production), the user, their rights and roles, and what only they see
(series of the network, their answers)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plugins.meetings.models import Visibility

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
#: (anonymous, member), measured in de and ar (the larger)
BUDGETS = {"index": (6, 10), "series": (4, 8)}


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
@pytest.mark.parametrize("kind", ["index", "series"])
def test_page_renders_within_its_budget(  # noqa: PLR0913 - fixtures
    client, meeting_index, make_series, people, kind, prefix, member
):
    public = make_series("Sprachcafé Treffen", visibility=Visibility.PUBLIC)
    make_series("Netzwerktreffen", visibility=Visibility.NETWORK)
    if member:
        client.force_login(people["member"])
    page = {"index": meeting_index, "series": public}[kind]
    queries = _queries(client, prefix + page.url)
    repeated = [sql for sql, n in Counter(queries).items() if n > 1]
    assert not repeated, repeated
    assert len(queries) <= BUDGETS[kind][member], queries
