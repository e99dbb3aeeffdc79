"""Hostile values in every websocket message type of the chat, over a real uvicorn socket.

For each client message type (send, edit, delete, history, read, typing, ping and unknown
ones) every field gets each hostile value: wrong JSON types, out-of-range and non-ASCII
numbers, NUL and control characters, over-long text, deep nesting. Raw frames too: not
JSON, a JSON array or string, a binary frame, an empty frame. After each one the server has
not crashed (no close code 1011, no exception logged) and the socket either still answers a
ping or was closed cleanly; at the end nothing was stored: no message added, changed or
deleted, also not another room's."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from plugins.chat.models import Message, Room

from .test_websocket_security import _cookie

pytestmark = [pytest.mark.django_db(transaction=True)]

BIG = "9" * 30
HOSTILE_IDS = [
    None, True, False, -1, 0, 2**31, 2**63, 10**30, 1.5, float("inf"), "", " ", "abc", "²",
    "٣", "1e5", "-1", BIG, "\x00", "1\x00", [], [1], {}, {"id": 1}, "x" * 100_000,
]  # fmt: skip
HOSTILE_TEXTS = [
    None, True, 0, 1.5, "", " \n\t ", "\x00", "a\x00b", "x" * 100_000, [], ["a"], {},
    {"text": "hallo"},
]  # fmt: skip
#: the fields each message type reads, and the values each gets
FIELDS = {
    "send": {"text": HOSTILE_TEXTS, "client_id": HOSTILE_IDS},
    "edit": {"id": HOSTILE_IDS, "text": HOSTILE_TEXTS},
    "delete": {"id": HOSTILE_IDS},
    "history": {"before": HOSTILE_IDS},
    "read": {"id": HOSTILE_IDS},
    "typing": {"client_id": HOSTILE_IDS},
    "ping": {"client_id": HOSTILE_IDS},
}
RAW_FRAMES = [
    "not json",
    "[" * 100_000 + "]" * 100_000,  # nesting deeper than any parser's recursion
    '{"type": "send", "text": "a"' * 1,  # cut off
    "[]",
    '"send"',
    "null",
    "1e999999",
    "",
    json.dumps({"type": None}),
    json.dumps({"type": ["send"]}),
    json.dumps({"type": "chat.message", "message": {"text": "forged"}}),  # a layer event
    json.dumps({"type": "websocket.disconnect"}),
    json.dumps({"type": "x" * 100_000}),
    b"\x00\xff\xfe binary",
]


def _frames(valid_own_id: int, other_room_id: int):
    for kind, fields in FIELDS.items():
        base = {"type": kind}
        if kind == "edit":
            base.update({"id": valid_own_id, "text": "geändert"})
        for name, values in fields.items():
            for value in values:
                yield json.dumps({**base, name: value})
    # another room's message through this room's socket
    for kind in ("edit", "delete", "read"):
        yield json.dumps({"type": kind, "id": other_room_id, "text": "übernommen"})
    yield from RAW_FRAMES


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_hostile_values_in_every_message_type(
    asgi_server, site, group_room, group_member, coordinator, settings
):
    import websockets

    other = Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk")
    own = Message.objects.create(room=group_room, author=group_member, text="Hallo", html="Hallo")
    theirs = Message.objects.create(room=other, author=coordinator, text="Fremd", html="Fremd")
    before = {m.pk: (m.text, m.edited_at, m.deleted_at) for m in Message.objects.all()}
    port = asgi_server.rsplit(":", 1)[1]
    url = f"ws://localhost:{port}/ws/chat/rooms/{group_room.pk}/"
    headers = {"Cookie": _cookie(group_member), "Origin": f"http://localhost:{port}"}
    errors = _Errors()
    watched = [logging.getLogger(n) for n in ("uvicorn.error", "django", "plugins", "treffpunkt")]
    for logger in watched:
        logger.addHandler(errors)
    # the rate limits must not hide what an edit or a message would do with each value
    settings.PLUGINS_CONFIG = {"chat": {"RATE_LIMIT_MESSAGES": 100_000, "RATE_LIMIT_SECONDS": 60}}

    async def connect():
        ws = await websockets.connect(url, additional_headers=headers, max_size=None)
        assert json.loads(await asyncio.wait_for(ws.recv(), 20))["type"] == "hello"
        return ws

    async def usable(ws) -> bool:
        await ws.send(json.dumps({"type": "ping"}))
        while True:
            answer = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if answer["type"] == "pong":
                return True

    async def go():
        problems, closed = [], 0
        ws = await connect()
        for frame in _frames(own.pk, theirs.pk):
            label = repr(frame[:60])
            try:
                await ws.send(frame)
                await usable(ws)
            except websockets.exceptions.ConnectionClosed as gone:
                code = gone.rcvd.code if gone.rcvd else None
                if code in (None, 1006, 1011):
                    problems.append(f"{label}: the server broke the socket ({code})")
                closed += 1
                ws = await connect()
            except TimeoutError:
                problems.append(f"{label}: no answer to a ping after it")
                await ws.close()
                ws = await connect()
        await ws.close()
        return problems, closed

    try:
        problems, closed = asyncio.run(go())
    finally:
        for logger in watched:
            logger.removeHandler(errors)
    problems += [f"logged: {r.getMessage()[:200]}" for r in errors.records]
    assert not problems, "\n".join(problems)
    after = {m.pk: (m.text, m.edited_at, m.deleted_at) for m in Message.objects.all()}
    # one edit with the valid id and a valid text is part of the table (base of "edit"):
    # the own message may read "geändert"; nothing else changed, nothing was added
    assert set(after) == set(before)
    assert after[theirs.pk] == before[theirs.pk]
    assert after[own.pk][0] in ("Hallo", "geändert") and after[own.pk][2] is None
    assert closed <= len(RAW_FRAMES)  # only raw frames may end a socket (cleanly)


@pytest.mark.parametrize(
    "frame",
    ["", b"\x00\xff\xfe binary", '{"type": ["send"]}', '{"type": {"send": 1}}'],
    ids=["empty", "binary", "list-type", "object-type"],
)
def test_a_frame_without_text_is_answered_and_the_socket_stays(
    asgi_server, group_room, group_member, frame
):
    """Channels raises on a frame without text, and a type that is a list or an object
    raised TypeError in the consumer; either ended the socket with an error logged."""
    import websockets

    port = asgi_server.rsplit(":", 1)[1]
    url = f"ws://localhost:{port}/ws/chat/rooms/{group_room.pk}/"
    headers = {"Cookie": _cookie(group_member), "Origin": f"http://localhost:{port}"}

    async def go():
        answers = []
        async with websockets.connect(url, additional_headers=headers) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 20))["type"] == "hello"
            await ws.send(frame)
            await ws.send(json.dumps({"type": "ping"}))
            while not answers or answers[-1]["type"] != "pong":
                answers.append(json.loads(await asyncio.wait_for(ws.recv(), 20)))
        return answers

    answers = asyncio.run(go())
    errors = [a for a in answers if a["type"] == "error"]
    assert [e["code"] for e in errors] == ["invalid"]
    assert errors[0]["message"] == "Diese Anfrage wurde nicht verstanden."
