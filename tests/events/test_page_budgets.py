"""Each page type, anonymously and as a member, in German and Arabic, renders uncached within
its budget of SQL queries and never asks the same statement twice (issue 15).

Budgets are the figures measured with the chrome cached (treffpunkt.core.chrome) and the
page's route and the view restrictions known to the process (treffpunkt.core.routing,
treffpunkt.core.restrictions): anonymous visitors are within the aim of the issue (12); a
member pays 6 to 8 more (the session where no Redis holds it, the user, their roles in two
queries, a plugin's role, the member menu), so the aim is reached for members on the home
page only. One repeat is known and named below (the festival's helper shifts); any other
repeated statement fails. Network, working group and meetings pages are not covered here
yet."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
#: (anonymous, member), measured in de and ar (the larger)
BUDGETS = {"home": (6, 12), "event": (10, 18), "festival": (11, 19)}
#: repeats measured and not yet removed: a test fails on any other
KNOWN_REPEATS = {
    # the availability and the page's shift list each read the festival's shifts
    "festival": ('FROM "events_helpershift"',),
}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _queries(client, path):
    client.get(path, **HOST)  # a warm process: the chrome is built once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **HOST)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("member", [False, True], ids=["anonymous", "member"])
@pytest.mark.parametrize("prefix", ["", "/ar"])
@pytest.mark.parametrize("kind", ["home", "event", "festival"])
def test_page_renders_within_its_budget(client, site, event, festival, user, kind, prefix, member):
    if member:
        client.force_login(user)
    path = {"home": "/", "event": event.url, "festival": festival.url}[kind]
    queries = _queries(client, prefix + path)
    repeated = [sql for sql, n in Counter(queries).items() if n > 1]
    known = KNOWN_REPEATS.get(kind, ())
    unknown = [sql for sql in repeated if not any(part in sql for part in known)]
    assert not unknown, unknown
    assert len(queries) <= BUDGETS[kind][member], queries


def test_a_member_without_page_rights_asks_no_page_permissions(client, site, user, event):
    """The event page's organiser link: Wagtail's page permissions are read only for a
    person whose groups hold one."""
    client.force_login(user)
    client.get(event.url, **HOST)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(event.url, **HOST).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "wagtailcore_workflowstate" not in sql
    assert sql.count("wagtailcore_grouppagepermission") == 1  # the one rights query
