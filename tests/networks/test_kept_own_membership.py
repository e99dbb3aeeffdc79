"""The "Take part" section of a working group's page shows the visitor's own membership. Each
process keeps a person's memberships while no membership changed anywhere (issue 15: a query
over two tables on every visit of a member before); every change shows at once, whichever
process made it, and each person sees only their own."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from networks import membership, services
from networks.models import Membership

from .conftest import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _take_part(client, network) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(network.group.url, **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="join-heading"')
    section = html[start : html.index("</section>", start)]
    return section, [q["sql"] for q in ctx.captured_queries if '"networks_membership"' in q["sql"]]


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


LEAVE = "Gruppe verlassen"
ASK = "Aufnahme bitten"
ASKED = "Sie haben um Aufnahme gebeten"


def test_each_person_sees_their_own_membership_kept_without_a_query(network, people):
    member, outsider = _signed_in(people["member"]), _signed_in(people["outsider"])
    for _ in range(2):
        section, queries = _take_part(member, network)
        assert LEAVE in section and ASK not in section
        section, _ = _take_part(outsider, network)
        assert ASK in section and LEAVE not in section
    assert not _take_part(member, network)[1]  # kept: no query for the membership


def test_every_change_of_a_membership_shows_at_once(network, people, make_user):
    outsider = _signed_in(people["outsider"])
    assert ASK in _take_part(outsider, network)[0]
    request = services.request_to_join(people["outsider"], network.group, "")
    section, _ = _take_part(outsider, network)
    assert ASKED in section and ASK not in section.replace(ASKED, "")
    services.approve(people["coordinator"], network.group, request.pk)
    section, _ = _take_part(outsider, network)
    assert LEAVE in section
    services.remove(people["coordinator"], network.group, request.pk)
    section, _ = _take_part(outsider, network)
    assert "entfernt" in section and LEAVE not in section
    Membership.objects.filter(pk=request.pk).delete()
    assert ASK in _take_part(outsider, network)[0]


def test_a_change_by_another_process_shows_at_the_next_visit(network, people):
    """Another process changes the row (an admin's save in another worker): this process's
    copy is of an older memberships generation, which that process bumped in the shared
    cache."""
    member = _signed_in(people["member"])
    assert LEAVE in _take_part(member, network)[0]
    # the row changed behind this process's back, as another process would, then that
    # process's signal bumps the shared generation
    Membership.objects.filter(user=people["member"]).update(status=Membership.Status.LEFT)
    assert LEAVE in _take_part(member, network)[0]  # the generation is unchanged: still kept
    from networks.queries import memberships_changed

    memberships_changed()
    section, queries = _take_part(member, network)
    assert LEAVE not in section and ASK in section
    assert queries


def test_memberships_read_inside_a_change_rolled_back_are_not_kept(network, people):
    member = _signed_in(people["member"])
    assert LEAVE in _take_part(member, network)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        Membership.objects.filter(user=people["member"]).get().delete()
        assert membership.own_status(people["member"], network.group) == (None, False)
        raise RuntimeError
    assert membership.own_status(people["member"], network.group) == ("active", True)
    assert LEAVE in _take_part(member, network)[0]


def test_a_translation_of_the_group_shows_the_same_membership(network, people):
    translation = network.group.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    status = membership.own_status(people["member"], translation.specific)
    assert status == ("active", True)
    assert membership.own_status(people["outsider"], translation.specific) == (None, False)


def test_without_a_shared_cache_each_visit_asks_the_database(network, people, settings):
    settings.CACHE_SHARED_BY_PROCESSES = False
    member = _signed_in(people["member"])
    for _ in range(2):
        section, queries = _take_part(member, network)
        assert LEAVE in section and queries


def _old_first_status(person, group) -> str:
    """What the page showed before memberships were kept: the first row in the model's order."""
    return (
        Membership.objects.filter(
            working_group__translation_key=group.translation_key, user_id=person.pk
        )
        .first()
        .status
    )


def test_a_row_an_admin_made_on_a_translation_comes_after_the_original_pages(network, people):
    """Found by the review: rows in the admin may point at a translation of the group; the
    section shows the same row as before, not the oldest one."""
    arabic = network.group.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    outsider = _signed_in(people["outsider"])
    Membership.objects.create(
        working_group=arabic, user=people["outsider"], status=Membership.Status.REMOVED
    )
    services.request_to_join(people["outsider"], network.group, "bitte")
    assert _old_first_status(people["outsider"], network.group) == "requested"
    section, _ = _take_part(outsider, network)
    assert ASKED in section and "Anfrage zurückziehen" in section

    member = people["member"]
    Membership.objects.filter(user=member).delete()
    Membership.objects.create(working_group=arabic, user=member, status=Membership.Status.LEFT)
    Membership.objects.create(
        working_group=network.group, user=member, status=Membership.Status.ACTIVE
    )
    assert _old_first_status(member, network.group) == "active"
    section, _ = _take_part(_signed_in(member), network)
    assert LEAVE in section


def test_nothing_is_kept_when_the_cache_lost_the_generation(network, people, monkeypatch):
    """As for an event's places: without a generation to check a copy against, the
    memberships are asked of the database every time (``generations.current`` answers 0)."""
    from treffpunkt.core import generations

    monkeypatch.setattr(generations, "read_once", lambda key: 0)
    member = _signed_in(people["member"])
    for _ in range(2):
        section, queries = _take_part(member, network)
        assert LEAVE in section and queries
    assert people["member"].pk not in membership._kept
