"""The single-process channel layer: groups reach every member, stale entries still expire."""

import asyncio

import pytest
from channels.exceptions import ChannelFull

from treffpunkt.core.layers import LocalChannelLayer


def run(coro):
    return asyncio.run(coro)


def test_group_send_reaches_every_member_once_and_leaves_the_message_unshared():
    async def scenario():
        layer = LocalChannelLayer()
        names = [await layer.new_channel() for _ in range(50)]
        for name in names:
            await layer.group_add("room-1", name)
        outsider = await layer.new_channel()
        await layer.group_add("room-2", outsider)
        event = {"type": "chat.message", "text": "hallo", "nested": {"a": 1}}
        await layer.group_send("room-1", event)
        got = [await asyncio.wait_for(layer.receive(name), 1) for name in names]
        assert all(g == event for g in got)
        got[0]["nested"]["a"] = 2  # a receiver changing its copy changes no other
        assert got[1]["nested"]["a"] == 1 and event["nested"]["a"] == 1
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(layer.receive(outsider), 0.05)

    run(scenario())


def test_discarded_channel_gets_nothing_more():
    async def scenario():
        layer = LocalChannelLayer()
        a, b = await layer.new_channel(), await layer.new_channel()
        for name in (a, b):
            await layer.group_add("room", name)
        await layer.group_discard("room", a)
        await layer.group_send("room", {"type": "x"})
        assert await asyncio.wait_for(layer.receive(b), 1) == {"type": "x"}
        assert a not in layer.channels

    run(scenario())


def test_expired_messages_and_their_channels_are_still_swept():
    async def scenario():
        layer = LocalChannelLayer(expiry=0)
        stale, live = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room", stale)
        await layer.group_add("room", live)
        await layer.group_send("room", {"type": "x"})
        # the receive of the live channel sweeps: the stale channel's unread message has
        # expired, so it is dropped from its groups
        layer._next_sweep = 0.0
        layer._clean_expired()
        assert stale not in layer.groups.get("room", {})
        assert stale not in layer.channels

    run(scenario())


def test_sweeps_at_most_once_an_interval(monkeypatch):
    layer = LocalChannelLayer()
    calls = []
    monkeypatch.setattr(
        "channels.layers.InMemoryChannelLayer._clean_expired", lambda self: calls.append(1)
    )
    for _ in range(100):
        layer._clean_expired()
    assert calls == [1]
    layer._next_sweep = 0.0
    layer._clean_expired()
    assert calls == [1, 1]


def test_a_full_channel_loses_the_event_and_the_others_still_get_it():
    async def scenario():
        layer = LocalChannelLayer(capacity=1)
        slow, fast = await layer.new_channel(), await layer.new_channel()
        for name in (slow, fast):
            await layer.group_add("room", name)
        await layer.group_send("room", {"type": "one"})
        assert await layer.receive(fast) == {"type": "one"}
        await layer.group_send("room", {"type": "two"})  # slow still holds "one"
        assert await layer.receive(fast) == {"type": "two"}
        assert await layer.receive(slow) == {"type": "one"}
        with pytest.raises(ChannelFull):
            await layer.send(slow, {"type": "a"}) or await layer.send(slow, {"type": "b"})

    run(scenario())


def test_a_reader_keeps_its_queue_and_a_gone_readers_queue_is_swept():
    async def scenario():
        layer = LocalChannelLayer()
        reader, gone = await layer.new_channel(), await layer.new_channel()
        await layer.send(gone, {"type": "x"})
        assert await layer.receive(gone) == {"type": "x"}  # its consumer then stops
        waiting = asyncio.ensure_future(layer.receive(reader))
        await asyncio.sleep(0)
        layer._next_sweep = 0.0
        layer._clean_expired()
        assert gone not in layer.channels
        assert reader in layer.channels
        await layer.send(reader, {"type": "y"})
        assert await asyncio.wait_for(waiting, 1) == {"type": "y"}

    run(scenario())
