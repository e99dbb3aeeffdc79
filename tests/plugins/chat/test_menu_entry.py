"""The chat's entry in the main menu is kept per person and town (plugins/chat/menu.py):
a warm page asks no SQL for it, and every change it shows reaches the next page (issue 15).

Each case first checks that the entry is kept (a second look asks nothing), then makes one
change and looks again: a change whose bump were missing would show the kept entry."""

from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventIndexPage, EventPage, Registration
from networks.models import Membership
from plugins.chat import api, services
from plugins.chat.menu import unread_in_menu
from plugins.chat.models import Message, Room
from treffpunkt.accounts.roles import ensure_site_roles

from .conftest import join

HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def entry(user, site):
    """The entry as the menu shows it now, and proof that it is then kept (for the person
    as a request loads them: a user object keeps its roles once asked)."""
    user = type(user).objects.get(pk=user.pk)
    found = unread_in_menu(user, site)
    with CaptureQueriesContext(connection) as ctx:
        assert unread_in_menu(user, site) == found
    assert not ctx.captured_queries, [q["sql"] for q in ctx.captured_queries]
    return found


def _chat_sql(client, path="/") -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, **HOST).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "chat_" in q["sql"]]


def test_a_warm_page_asks_nothing_for_the_entry(client, network_room, member, other_member):
    services.post_message(other_member, network_room, "Hallo")
    client.force_login(member)
    assert _chat_sql(client)  # the first page works it out
    assert _chat_sql(client) == []
    html = client.get("/", **HOST).content.decode()
    assert "1 ungelesen" in html


def test_two_members_see_their_own_counts(client, site, network_room, member, other_member):
    for n in range(3):  # written elsewhere (no read marker moves)
        Message.objects.create(room=network_room, author=other_member, text=f"{n}", html=f"{n}")
    Message.objects.create(room=network_room, author=member, text="Petra", html="Petra")
    assert entry(member, site) == 3
    assert entry(other_member, site) == 1
    client.force_login(member)
    assert "3 ungelesen" in client.get("/", **HOST).content.decode()
    client.force_login(other_member)
    html = client.get("/", **HOST).content.decode()
    assert "1 ungelesen" in html and "3 ungelesen" not in html


def test_a_new_message_counts_at_once(site, network_room, member, other_member):
    assert entry(member, site) == 0
    services.post_message(other_member, network_room, "Neu")
    assert entry(member, site) == 1
    services.post_message(member, network_room, "meine eigene")  # moves her marker too
    assert entry(member, site) == 0


def test_a_deleted_message_no_longer_counts(site, network_room, member, other_member):
    message = services.post_message(other_member, network_room, "gleich weg").message
    assert entry(member, site) == 1
    services.delete_message(other_member, message.pk)
    assert entry(member, site) == 0


def test_an_edit_keeps_the_entry(site, network_room, member, other_member):
    message = services.post_message(other_member, network_room, "Tippfehler").message
    assert entry(member, site) == 1
    services.edit_message(other_member, message.pk, "kein Tippfehler")
    with CaptureQueriesContext(connection) as ctx:
        assert unread_in_menu(member, site) == 1
    assert not ctx.captured_queries


def test_reading_a_room_clears_the_count(client, site, network_room, member, other_member):
    first = services.post_message(other_member, network_room, "eins").message
    services.post_message(other_member, network_room, "zwei")
    assert entry(member, site) == 2
    services.mark_read(member, network_room, first.pk)  # the marker exists: an update()
    assert entry(member, site) == 1
    client.force_login(member)
    client.get(api.room_url(network_room), **HOST)  # opening the room reads it
    assert entry(member, site) == 0


def test_network_membership_shows_and_hides_the_entry(
    site, network_room, make_user, network_members_group
):
    person = make_user("neu@example.org")
    assert entry(person, site) is None
    person.groups.add(network_members_group)
    assert entry(person, site) == 0
    person.groups.remove(network_members_group)
    assert entry(person, site) is None
    network_members_group.user_set.add(person)  # from the group's side
    assert entry(person, site) == 0
    network_members_group.user_set.clear()
    assert entry(person, site) is None


def test_working_group_membership_shows_and_hides_the_entry(
    site, group_room, working_group, make_user, other_member
):
    Message.objects.create(room=group_room, author=other_member, text="AG", html="AG")
    person = make_user("ag@example.org")
    assert entry(person, site) is None
    membership = join(person, working_group)
    assert entry(person, site) == 1
    membership.status = Membership.Status.LEFT
    membership.save()
    assert entry(person, site) is None


def test_becoming_an_events_confirmed_helper_shows_the_entry(site, make_user, other_member):
    index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=index)
    from tests.events.conftest import add_event

    event = add_event(index, EventPage, title="Sommerfest")
    room = Room.objects.create(site=site, kind=Room.Kind.EVENT, page=event, title="Helfende")
    Message.objects.create(room=room, author=other_member, text="Aufbau", html="Aufbau")
    person = make_user("helfer@example.org")
    assert entry(person, site) is None
    helper = Registration.objects.create(
        event=event,
        kind=Registration.Kind.HELPER,
        status=Registration.Status.WAITING,
        user=person,
        email=person.email,
    )
    assert entry(person, site) is None  # waiting is not helping yet
    helper.status = Registration.Status.CONFIRMED
    helper.save(update_fields=["status"])
    assert entry(person, site) == 1
    from events import registrations

    registrations.cancel(helper.token)
    assert entry(person, site) is None


def test_a_plugin_rooms_members_show_the_entry(site, make_user):
    from plugins.mentoring.chat import programme_room
    from plugins.mentoring.models import MentorProfile, Programme

    programme = Programme.objects.create(site=site, name="Lesepaten")
    room = programme_room(programme)
    coordinator, mentor = make_user("koord@example.org"), make_user("mentor@example.org")
    Message.objects.create(room=room, author=coordinator, text="Hallo", html="Hallo")
    assert entry(coordinator, site) is None
    assert entry(mentor, site) is None
    programme.coordinators.add(coordinator)
    assert entry(coordinator, site) == 0  # the message is her own
    profile = MentorProfile.objects.create(
        programme=programme, user=mentor, name="Jonas", email=mentor.email
    )
    assert entry(mentor, site) == 1
    profile.active = False
    profile.save()
    assert entry(mentor, site) is None
    programme.coordinators.remove(coordinator)
    assert entry(coordinator, site) is None


def test_becoming_and_ceasing_to_be_a_manager(site, network_room, group_room, member, other_member):
    Message.objects.create(room=group_room, author=other_member, text="AG", html="AG")
    assert entry(member, site) == 0  # the network room only
    managers = ensure_site_roles(site).managers
    member.groups.add(managers)
    assert entry(member, site) == 1  # every room of the town
    member.groups.remove(managers)
    assert entry(member, site) == 0


def test_a_room_made_and_removed(site, working_group, group_member, other_member):
    assert entry(group_member, site) is None
    room = Room.objects.create(
        site=site, kind=Room.Kind.WORKING_GROUP, page=working_group, title="AG"
    )
    assert entry(group_member, site) == 0
    Message.objects.create(room=room, author=other_member, text="x", html="x")
    assert entry(group_member, site) == 1
    room.delete()
    assert entry(group_member, site) is None


def test_a_deactivated_person_loses_the_entry(site, network_room, member):
    assert entry(member, site) == 0
    member.is_active = False
    member.save()
    assert entry(member, site) is None


def test_each_town_has_its_own_entry(site, other_site, network_room, member, other_member):
    Room.objects.create(site=other_site, kind=Room.Kind.NETWORK, title="Netzwerk Borken")
    services.post_message(other_member, network_room, "Beckum")
    assert entry(member, site) == 1
    assert entry(member, other_site) is None  # no member of Borken's network


def test_what_a_rolled_back_change_read_is_not_kept(site, network_room, member, other_member):
    from django.db import transaction

    assert entry(member, site) == 0

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        services.post_message(other_member, network_room, "nie geschrieben")
        assert unread_in_menu(member, site) == 1  # read inside, not kept
        raise Undo
    assert entry(member, site) == 0


@pytest.mark.redis
def test_the_entry_is_kept_in_redis_for_every_process(
    settings, site, network_room, member, other_member
):
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("needs Redis (REDIS_TEST_URL)")
    prefix = f"chatmenu-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "treffpunkt.core.rediscache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        assert entry(member, site) == 0
        services.post_message(other_member, network_room, "über Redis")
        assert entry(member, site) == 1
        services.mark_read(member, network_room, Message.objects.latest("pk").pk)
        assert entry(member, site) == 0
    finally:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_no_statement_twice_on_a_members_page(client, network_room, group_room, member):
    client.force_login(member)
    client.get("/", **HOST)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/", **HOST)
    queries = [q["sql"] for q in ctx.captured_queries]
    assert not [sql for sql, n in Counter(queries).items() if n > 1]


@pytest.fixture
def cache_reads(settings, cache_round_trips):
    """Round trips to the cache of this test's requests (each get or get_many), with
    sessions in the cache as on a server with Redis."""
    settings.SESSION_ENGINE = "treffpunkt.accounts.sessions"
    return cache_round_trips


def _page(client, cache_reads) -> tuple[str, list[str]]:
    """The page, and what it asked the cache for after the first round trip (the one that
    finds the site) of the session and the chat's entry."""
    cache_reads.clear()
    response = client.get("/", **HOST)
    assert response.status_code == 200
    assert "treffpunkt:sites:version" in cache_reads[0]
    later = [
        key
        for call in cache_reads[1:]
        for key in call
        if key.startswith(("django.contrib.sessions", "chat:"))
    ]
    return response.content.decode(), later


def test_a_members_warm_page_asks_for_the_session_and_the_chat_with_the_site(
    site, network_room, member, other_member, cache_reads
):
    """The site, the session and the chat's entry in one round trip (treffpunkt.core.prefetch)
    for each of two members in turn, and a message written between two pages counts at once."""
    from django.test import Client

    for n in range(3):
        Message.objects.create(room=network_room, author=other_member, text=f"{n}", html=f"{n}")
    clients = {}
    for person in (member, other_member):
        clients[person] = Client()
        clients[person].force_login(person)
        _page(clients[person], cache_reads)  # the process learns the guess
    for _ in range(2):
        html, asked_later = _page(clients[member], cache_reads)
        assert "3 ungelesen" in html and asked_later == []
        html, asked_later = _page(clients[other_member], cache_reads)
        assert "ungelesen" not in html and asked_later == [], cache_reads
    services.post_message(other_member, network_room, "noch eine")
    html, asked_later = _page(clients[member], cache_reads)
    assert "4 ungelesen" in html and asked_later == []


def test_a_wrong_guess_is_never_shown(site, network_room, member, other_member, cache_reads):
    """The process guesses whose session a cookie is from the requests before; a guess that
    names another person fetches keys nobody asks for, and the page is the cookie's person's."""
    from django.test import Client

    from treffpunkt.core import prefetch

    Message.objects.create(room=network_room, author=other_member, text="x", html="x")
    theirs, mine = Client(), Client()
    theirs.force_login(other_member)
    mine.force_login(member)
    _page(theirs, cache_reads)
    _page(mine, cache_reads)
    session_key = mine.cookies["sessionid"].value
    prefetch._people[session_key] = other_member.pk  # as if the cookie were hers
    prefetch._learned.clear()  # and nothing learned for the address (test_prefetch.py)
    html, asked_later = _page(mine, cache_reads)
    assert "1 ungelesen" in html and asked_later  # asked again, for the right person
    html, asked_later = _page(mine, cache_reads)  # and the right guess again
    assert "1 ungelesen" in html and asked_later == []
