"""The channel layer of a single process without Redis.

Channels' in-memory layer sweeps every queue and every group membership for expired
entries on each receive and each group send. In a chat room of 200 members one message
means 200 receives, each walking all channels and groups of the process: the sweeps, not
the sending, decided how fast a room could be served. This layer sweeps at most once a
second (entries expire after a minute, so a sweep a second late changes nothing), sends
to a group's channels in a plain loop instead of one task per channel, and keeps a
channel's queue while its consumer lives instead of making a new one for every message.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from copy import deepcopy

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer


class LocalChannelLayer(InMemoryChannelLayer):
    sweep_interval = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0
        self._receiving: collections.Counter[str] = collections.Counter()

    def _queue(self, channel: str) -> asyncio.Queue:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    async def send(self, channel, message) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        try:
            self._queue(channel).put_nowait((time.time() + self.expiry, deepcopy(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def receive(self, channel):
        self.require_valid_channel_name(channel)
        self._clean_expired()
        queue = self._queue(channel)
        self._receiving[channel] += 1
        try:
            _, message = await queue.get()
        finally:
            self._receiving[channel] -= 1
            if not self._receiving[channel]:
                del self._receiving[channel]
        return message

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.sweep_interval
        super()._clean_expired()
        # the queue of a channel nobody reads from any more (its consumer is gone) goes
        for channel, queue in list(self.channels.items()):
            if queue.empty() and channel not in self._receiving:
                del self.channels[channel]

    async def group_send(self, group, message) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, ())):
            # a socket that stopped reading loses this event, as with Channels' own layer
            with contextlib.suppress(ChannelFull):
                await self.send(channel, message)  # never waits: a put on the channel's queue
