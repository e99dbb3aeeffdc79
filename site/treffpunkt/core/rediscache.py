"""Django's Redis cache with one connection pool per process.

Django keeps a cache backend per asyncio context, and under ASGI every request runs in a
context of its own: each request made a new ``RedisCache``, with a new connection pool, and
so opened (and dropped) a new connection to Redis, a TCP handshake and redis-py's greeting
before its first cache read (measured: 21 connections for 20 requests). Here the backends of
one process share one client per server and options, whose pool keeps its connections from
one request to the next; redis-py's pool is safe across threads and renews itself after a
fork.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property

_clients: dict[str, object] = {}
_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        key = repr((self._servers, sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client
