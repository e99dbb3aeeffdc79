"""Each page type, anonymously and as a member, in German and Arabic, renders uncached within
its budget of SQL queries and never asks the same statement twice (issue 15).

Budgets are the figures measured with the chrome cached (treffpunkt.core.chrome) and the
page's route and the view restrictions known to the process (treffpunkt.core.routing,
treffpunkt.core.restrictions): anonymous visitors are within the aim of the issue (12); a
member pays 4 more: the session (none where Redis holds it, as in production), the user,
their rights in one query, and their roles (home); their own sign-up is read with the places
left (events), and a second query fetches it only when they have one. The chat's
menu entry is kept per person (plugins/chat/menu.py) and asks nothing on a warm page (it
asked for their roles and the rooms open to them). The network and meetings pages have their
budgets in tests/networks and tests/plugins/meetings."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
#: (anonymous, member), measured in de and ar (the larger)
BUDGETS = {"home": (6, 10), "event": (7, 10), "festival": (8, 11), "conference": (8, 11)}


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
@pytest.mark.parametrize("kind", ["home", "event", "festival", "conference"])
def test_page_renders_within_its_budget(  # noqa: PLR0913 - fixtures
    client, site, event, festival, conference, user, kind, prefix, member
):
    if member:
        client.force_login(user)
    path = {
        "home": "/",
        "event": event.url,
        "festival": festival.url,
        "conference": conference.url,
    }[kind]
    queries = _queries(client, prefix + path)
    repeated = [sql for sql, n in Counter(queries).items() if n > 1]
    assert not repeated, repeated
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
    # the rights query, once: kept for the person since (treffpunkt.accounts.roles)
    assert sql.count("wagtailcore_grouppagepermission") == 0


def test_the_user_bar_is_for_people_who_may_open_the_admin(client, site, event, user, make_user):
    """A member's page loads no list of permissions: Wagtail's user bar read all of them (two
    queries) to find that a member may not open the admin. Someone who may gets the bar."""
    from django.contrib.auth.models import Group, Permission

    client.force_login(user)
    client.get(event.url, **HOST)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(event.url, **HOST).content.decode()
    assert "wagtail-userbar" not in html
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"auth_permission"."codename"' not in sql  # Django's list of a user's permissions

    editors = Group.objects.create(name="Redaktion (Test)")
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editor = make_user("redaktion@example.org")
    editor.groups.add(editors)
    client.force_login(editor)
    assert "wagtail-userbar" in client.get(event.url, **HOST).content.decode()


def test_a_member_s_own_sign_up_is_read_with_the_places_left(client, festival, user, commit):
    """One query counts the places and finds the member's own sign-up; only a sign-up found
    is read. A helper's shift or a cancelled sign-up is no sign-up for the event."""
    from django.utils.translation import gettext, override

    from events.models import Registration

    with override("de"):
        signed_up = gettext("You are signed up.")
    client.force_login(user)
    queries = _queries(client, festival.url)
    assert not [q for q in queries if '"events_registration"."id", ' in q]
    assert signed_up not in client.get(festival.url, **HOST).content.decode()
    shift = festival.shifts.first()
    Registration.objects.create(
        event=festival, user=user, email=user.email, kind="helper", shift=shift, status="confirmed"
    )
    assert signed_up not in client.get(festival.url, **HOST).content.decode()
    visit = Registration.objects.create(
        event=festival, user=user, email=user.email, kind="visitor", status="confirmed"
    )
    assert signed_up in client.get(festival.url, **HOST).content.decode()
    assert len(_queries(client, festival.url)) <= BUDGETS["festival"][1] + 1
    Registration.objects.filter(pk=visit.pk).update(status="cancelled")
    assert signed_up not in client.get(festival.url, **HOST).content.decode()
