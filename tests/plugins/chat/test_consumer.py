"""The websocket of a room, through the real plugin routing (guard included)."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from networks.models import Membership
from networks.signals import membership_changed
from plugins.chat.models import Message, Room
from treffpunkt.plugins.models import PluginSettings
from treffpunkt.plugins.routing import websocket_urlpatterns

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def communicator(room: Room, user, *, after: int | None = None, host: str = "beckum.test"):
    query = f"?after={after}" if after is not None else ""
    comm = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns()),
        f"/ws/chat/rooms/{room.pk}/{query}",
        headers=[(b"host", host.encode())],
    )
    comm.scope["user"] = user
    return comm


async def connected(room, user, **kwargs) -> WebsocketCommunicator:
    comm = communicator(room, user, **kwargs)
    ok, code = await comm.connect()
    assert ok, f"refused with {code}"
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello"
    return comm


async def next_of(comm, kind: str, timeout: float = 2):
    """The next event of one type, skipping presence and typing chatter."""
    while True:
        event = await comm.receive_json_from(timeout=timeout)
        if event["type"] == kind:
            return event


async def pending(comm, timeout: float = 0.2) -> list[dict]:
    """Every event that arrives until the socket stays quiet for ``timeout`` seconds."""
    events = []
    while not await comm.receive_nothing(timeout=timeout):
        events.append(await comm.receive_json_from())
    return events


async def test_anonymous_is_refused(network_room):
    ok, code = await communicator(network_room, AnonymousUser()).connect()
    assert not ok and code == 4401


async def test_non_member_is_refused(network_room, outsider):
    ok, code = await communicator(network_room, outsider).connect()
    assert not ok and code == 4403


async def test_network_member_outside_the_group_is_refused(group_room, member):
    ok, code = await communicator(group_room, member).connect()
    assert not ok and code == 4403


async def test_room_of_another_site_is_not_found(network_room, member, other_site):
    ok, code = await communicator(network_room, member, host="borken.test").connect()
    assert not ok and code == 4404


async def test_members_chat_live_and_the_message_is_stored_first(
    network_room, member, other_member
):
    petra = await connected(network_room, member)
    olena = await connected(network_room, other_member)
    await petra.send_json_to({"type": "send", "text": "Hallo zusammen!", "client_id": "c1"})
    received = await next_of(olena, "message")
    echoed = await next_of(petra, "message")
    assert received["message"]["text"] == "Hallo zusammen!"
    assert received["message"]["author"]["name"] == "Petra Wessel"
    assert echoed["message"]["client_id"] == "c1"
    stored = await sync_to_async(Message.objects.get)(pk=received["message"]["id"])
    assert stored.text == "Hallo zusammen!" and stored.author_id == member.pk
    await petra.disconnect()
    await olena.disconnect()


async def test_xss_payloads_come_out_escaped(network_room, member, other_member):
    petra = await connected(network_room, member)
    olena = await connected(network_room, other_member)
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)"> javascript:alert(3)'
    await petra.send_json_to({"type": "send", "text": payload})
    html = (await next_of(olena, "message"))["message"]["html"]
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    await petra.disconnect()
    await olena.disconnect()


async def test_reconnect_with_last_id_backfills_every_missed_message(
    network_room, member, other_member
):
    olena = await connected(network_room, other_member)
    await olena.send_json_to({"type": "send", "text": "vorher"})
    last_seen = (await next_of(olena, "message"))["message"]["id"]
    await olena.disconnect()  # her phone loses the connection

    petra = await connected(network_room, member)
    sent = []
    for n in range(7):
        await petra.send_json_to({"type": "send", "text": f"verpasst {n}"})
        sent.append((await next_of(petra, "message"))["message"]["id"])
    await petra.disconnect()

    olena = await connected(network_room, other_member, after=last_seen)
    backfilled = [(await next_of(olena, "message"))["message"]["id"] for _ in sent]
    assert backfilled == sent
    # only presence may follow: no message arrives twice
    assert {e["type"] for e in await pending(olena)} <= {"presence"}
    await olena.disconnect()


async def test_removed_member_is_disconnected_with_a_reason(group_room, group_member):
    comm = await connected(group_room, group_member)

    def remove():
        membership = Membership.objects.get(user=group_member)
        membership.status = Membership.Status.REMOVED
        membership.save()
        membership_changed.send(
            Membership, membership=membership, old_status="active", new_status="removed"
        )

    await sync_to_async(remove)()
    closed = await next_of(comm, "closed")
    assert closed["code"] == 4403
    assert "no longer a member" in closed["reason"] or "nicht mehr" in closed["reason"]
    output = await comm.receive_output(timeout=1)
    assert output["type"] == "websocket.close" and output["code"] == 4403


async def test_recheck_asked_from_inside_an_event_loop_still_disconnects(
    group_room, group_member, monkeypatch
):
    """Sync code running in a thread whose event loop is busy (a browser driver's thread,
    where Django's async safety check is switched off) can end a membership too: the
    re-check is sent on that loop instead of being lost."""
    from plugins.chat.receivers import recheck_connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    comm = await connected(group_room, group_member)
    await sync_to_async(Membership.objects.filter(user=group_member).update)(
        status=Membership.Status.REMOVED
    )
    recheck_connections(group_member.pk)
    closed = await next_of(comm, "closed")
    assert closed["code"] == 4403


async def test_revoked_access_is_noticed_on_the_next_message(network_room, member):
    """Even without the signal: access is checked before every action."""
    comm = await connected(network_room, member)
    await sync_to_async(Message.objects.count)()

    def leave_network():
        # a queryset update sends no m2m signal: only the per-message check can notice
        member.groups.through.objects.filter(user_id=member.pk).delete()

    await sync_to_async(leave_network)()
    await comm.send_json_to({"type": "send", "text": "noch da?"})
    closed = await next_of(comm, "closed")
    assert closed["code"] == 4403
    assert not await sync_to_async(Message.objects.filter(text="noch da?").exists)()
    await comm.disconnect()


async def test_rate_limit_holds(network_room, member, settings):
    settings.PLUGINS_CONFIG = {"chat": {"RATE_LIMIT_MESSAGES": 3, "RATE_LIMIT_SECONDS": 60}}
    comm = await connected(network_room, member)
    for n in range(3):
        await comm.send_json_to({"type": "send", "text": f"schnell {n}", "client_id": str(n)})
        await next_of(comm, "message")
    await comm.send_json_to({"type": "send", "text": "zu schnell", "client_id": "x"})
    error = await next_of(comm, "error")
    assert error["code"] == "rate_limited" and error["client_id"] == "x"
    assert "3" in error["message"] and "60" in error["message"]
    assert await sync_to_async(Message.objects.filter(author=member).count)() == 3
    await comm.disconnect()


async def test_errors_are_in_the_language_of_the_page(network_room, member):
    comm = communicator(network_room, member)
    comm.scope["query_string"] = b"lang=de"
    await comm.connect()
    await next_of(comm, "hello")
    await comm.send_json_to({"type": "send", "text": "   "})
    error = await next_of(comm, "error")
    assert error["message"] == "Die Nachricht ist leer."
    await comm.disconnect()


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "send", "text": ""},
        {"type": "send", "text": 42},
        {"type": "send"},
        {"type": "nope"},
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(network_room, member, payload):
    comm = await connected(network_room, member)
    await comm.send_json_to(payload)
    assert (await next_of(comm, "error"))["code"] == "invalid"
    await comm.send_to(text_data="not json")
    assert (await next_of(comm, "error"))["code"] == "invalid"
    assert not await sync_to_async(Message.objects.exists)()
    await comm.disconnect()


async def test_too_long_message_is_refused(network_room, member):
    comm = await connected(network_room, member)
    await comm.send_json_to({"type": "send", "text": "x" * 2001})
    assert (await next_of(comm, "error"))["code"] == "too_long"
    assert not await sync_to_async(Message.objects.exists)()
    await comm.disconnect()


async def test_edit_and_delete_own_message_reach_everyone(network_room, member, other_member):
    petra = await connected(network_room, member)
    olena = await connected(network_room, other_member)
    await petra.send_json_to({"type": "send", "text": "Tippfehlr"})
    message_id = (await next_of(olena, "message"))["message"]["id"]
    await petra.send_json_to({"type": "edit", "id": message_id, "text": "Tippfehler"})
    update = await next_of(olena, "update")
    assert update["message"]["text"] == "Tippfehler" and update["message"]["edited"]
    # someone else's message cannot be edited or deleted by a plain member
    await olena.send_json_to({"type": "edit", "id": message_id, "text": "gekapert"})
    assert (await next_of(olena, "error"))["code"] == "forbidden"
    await olena.send_json_to({"type": "delete", "id": message_id})
    assert (await next_of(olena, "error"))["code"] == "forbidden"
    await petra.send_json_to({"type": "delete", "id": message_id})
    deleted = await next_of(olena, "update")
    assert deleted["message"]["deleted"] and deleted["message"]["html"] == ""
    await petra.disconnect()
    await olena.disconnect()


async def test_coordinator_deletes_any_message(group_room, group_member, coordinator):
    amal = await connected(group_room, group_member)
    thomas = await connected(group_room, coordinator)
    hello = await next_of(thomas, "presence")  # noqa: F841 - presence after connect
    await amal.send_json_to({"type": "send", "text": "Spam"})
    message_id = (await next_of(thomas, "message"))["message"]["id"]
    await thomas.send_json_to({"type": "delete", "id": message_id})
    assert (await next_of(amal, "update"))["message"]["deleted"]
    await amal.disconnect()
    await thomas.disconnect()


async def test_history_pages_backwards(network_room, member):
    def fill():
        from plugins.chat import services

        for n in range(60):
            Message.objects.create(room=network_room, author=member, text=f"m{n}", html=f"m{n}")
        return services

    await sync_to_async(fill)()
    comm = await connected(network_room, member)
    await comm.send_json_to({"type": "history"})
    page = await next_of(comm, "history")
    assert [m["text"] for m in page["messages"]] == [f"m{n}" for n in range(10, 60)]
    assert not page["complete"]
    await comm.send_json_to({"type": "history", "before": page["messages"][0]["id"]})
    older = await next_of(comm, "history")
    assert [m["text"] for m in older["messages"]] == [f"m{n}" for n in range(10)]
    assert older["complete"]
    await comm.disconnect()


async def test_presence_shows_who_is_online(network_room, member, other_member):
    petra = await connected(network_room, member)
    assert [p["name"] for p in (await next_of(petra, "presence"))["online"]] == ["Petra Wessel"]
    olena = await connected(network_room, other_member)
    full = await next_of(olena, "presence")
    assert {p["name"] for p in full["online"]} == {"Petra Wessel", "Olena Koval"}
    joined = []
    while "Olena Koval" not in joined:
        joined.append((await next_of(petra, "presence")).get("joined", {}).get("name"))
    # a second tab of Petra's closing does not make her leave
    second_tab = await connected(network_room, member)
    await second_tab.disconnect()
    await olena.disconnect()
    while "left" not in (change := await next_of(petra, "presence")):
        pass
    assert change["left"] == other_member.pk
    assert await petra.receive_nothing(timeout=0.3)
    await petra.disconnect()


async def test_typing_is_shown_to_the_others(network_room, member, other_member):
    petra = await connected(network_room, member)
    olena = await connected(network_room, other_member)
    await petra.send_json_to({"type": "typing"})
    typing = await next_of(olena, "typing")
    assert typing["user"]["name"] == "Petra Wessel"
    await petra.disconnect()
    await olena.disconnect()


async def test_disabled_plugin_refuses_the_websocket(network_room, member, site):
    await sync_to_async(PluginSettings.set_enabled)(site, "chat", False)
    ok, code = await communicator(network_room, member).connect()
    assert not ok and code == 4404


async def test_full_stack_authenticates_with_the_session_cookie(network_room, member, client):
    from treffpunkt.asgi import application

    await sync_to_async(client.force_login)(member)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    comm = WebsocketCommunicator(
        application,
        f"/ws/chat/rooms/{network_room.pk}/",
        headers=[
            (b"host", b"beckum.test"),
            (b"origin", b"http://beckum.test"),
            (b"cookie", cookie),
        ],
    )
    ok, _code = await comm.connect()
    assert ok
    hello = await comm.receive_json_from()
    assert hello["user"]["id"] == member.pk
    await comm.disconnect()
    # without the cookie: anonymous, refused
    anonymous = WebsocketCommunicator(
        application,
        f"/ws/chat/rooms/{network_room.pk}/",
        headers=[(b"host", b"beckum.test"), (b"origin", b"http://beckum.test")],
    )
    ok, code = await anonymous.connect()
    assert not ok and code == 4401
