"""Django's Redis cache with one connection pool per process.

Django keeps a cache backend per asyncio context, and under ASGI every request runs in a
context of its own: each request made a new ``RedisCache``, with a new connection pool, and
so opened (and dropped) a new connection to Redis, a TCP handshake and redis-py's greeting
before its first cache read (measured: 21 connections for 20 requests). Here the backends of
one process share one client per server and options, whose pool keeps its connections from
one request to the next; redis-py's pool is safe across threads and renews itself after a
fork.

Django's client also built a new ``redis.Redis`` object for every cache operation (about
150 µs of CPU each, half a round trip to Redis); here each pool has one, made once: a
``redis.Redis`` on a pool is safe to share between threads.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property

_clients: dict[str, object] = {}
_lock = threading.Lock()


class SharedRedisClient(RedisCacheClient):
    """Django's cache client, with one ``redis.Redis`` per connection pool."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._redis_clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._redis_clients.get(index)
        if client is None:
            pool = self._pools.get(index)
            if pool is None:
                url = self._servers[index]
                pool = self._pools.setdefault(
                    index, self._pool_class.from_url(url, **self._pool_options)
                )
            client = self._redis_clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedRedisClient

    @property
    def _client(self):
        """The process's ``redis.Redis`` for this cache's server, as django-rq asks a cache
        for it when a queue says ``USE_REDIS_CACHE`` (RQ_QUEUES in the settings): jobs are
        enqueued over the pooled connections instead of a new connection for each."""
        return self._cache.get_client(write=True)

    @cached_property
    def _cache(self):
        key = repr((self._servers, sorted(self._options.items())))
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client
