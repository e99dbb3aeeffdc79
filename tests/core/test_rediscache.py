"""The Redis cache keeps one connection pool per process: under ASGI every request runs in a
context of its own and got a new backend, a new pool and a new connection to Redis."""

from __future__ import annotations

import contextvars
import os
import threading

import pytest
from django.core.cache import caches

from treffpunkt.core.rediscache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("needs Redis (REDIS_TEST_URL)")
    return url


def _connections_made(url: str) -> int:
    import redis

    return int(redis.Redis.from_url(url).info("stats")["total_connections_received"])


def test_backends_of_many_requests_share_one_pool(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "treffpunkt.core.rediscache.RedisCache", "LOCATION": redis_url}
    }
    seen = []

    def request(number: int) -> None:
        # what a request does under ASGI: its own context, so its own backend object
        backend = caches["default"]
        backend.set(f"rediscache-test-{number}", number, 30)
        assert backend.get(f"rediscache-test-{number}") == number
        seen.append(backend)

    for number in range(20):
        contextvars.Context().run(request, number)
    threads = [
        threading.Thread(target=contextvars.Context().run, args=(request, n)) for n in range(20, 30)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(backend) for backend in seen}) > 1  # Django made a backend per context
    assert len({id(backend._cache) for backend in seen}) == 1  # one client, one pool
    pool = seen[0]._cache._get_connection_pool(write=True)
    # the pool kept what the requests opened: no more connections than ran at once
    assert len(pool._available_connections) + len(pool._in_use_connections) <= 10


def test_a_new_backend_reuses_the_pools_connections(redis_url):
    first = RedisCache(redis_url, {})
    first.set("rediscache-warm", 1, 30)
    before = _connections_made(redis_url)
    for number in range(20):
        backend = RedisCache(redis_url, {})
        backend.set(f"rediscache-again-{number}", number, 30)
        assert backend.get(f"rediscache-again-{number}") == number
    # other tests may connect meanwhile (pytest-xdist): far fewer than one per backend
    assert _connections_made(redis_url) - before < 10


def test_every_operation_uses_the_same_redis_client(redis_url, monkeypatch):
    """Django's client built a redis.Redis for each operation (about 150 µs of CPU each)."""
    import redis

    backend = RedisCache(redis_url, {})
    backend.set("rediscache-one-client", 1, 30)
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    for number in range(20):
        backend.set(f"rediscache-one-client-{number}", number, 30)
        assert backend.get_many([f"rediscache-one-client-{number}"]) == {
            f"rediscache-one-client-{number}": number
        }
        assert backend.incr("rediscache-one-client") == number + 2
    assert made == []
    write, read = backend._cache.get_client(write=True), backend._cache.get_client()
    assert write is read  # one server: one pool, one client


def _no_op() -> None:
    """A job for the queue test below (never run)."""


def test_jobs_are_enqueued_over_the_caches_pool(redis_url, settings, monkeypatch):
    """django-rq built a client with a new pool for each job enqueued: every sign-up's mail
    opened a new connection to Redis (and read the installed redis-py's version anew). With
    RQ_QUEUES' USE_REDIS_CACHE (the settings' choice when REDIS_URL is set) the queues use
    the cache's client."""
    import django_rq
    import django_rq.settings
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "treffpunkt.core.rediscache.RedisCache", "LOCATION": redis_url}
    }
    monkeypatch.setattr(
        django_rq.settings, "QUEUES", {"rediscache-test": {"USE_REDIS_CACHE": "default"}}
    )
    queue = django_rq.get_queue("rediscache-test")
    assert queue.connection is caches["default"]._cache.get_client(write=True)
    queue.empty()
    queue.enqueue(_no_op)  # warm: the pool's first connection
    before = _connections_made(redis_url)
    for _ in range(20):
        django_rq.get_queue("rediscache-test").enqueue(_no_op)
    assert _connections_made(redis_url) - before < 10  # was one per job
    assert len(redis.Redis.from_url(redis_url).lrange("rq:queue:rediscache-test", 0, -1)) == 21
    queue.empty()


def test_an_attempt_is_counted_in_one_round_trip_and_the_window_holds(redis_url, settings):
    """The rate limits (sign-ups, joins, chat) count on Redis with one transaction per
    attempt: the window starts with the first and ends after its seconds."""
    import time

    import redis

    from treffpunkt.core import ratelimit

    settings.CACHES = {
        "default": {"BACKEND": "treffpunkt.core.rediscache.RedisCache", "LOCATION": redis_url}
    }
    backend = caches["default"]
    key = f"ratelimit-test-{time.monotonic_ns()}"
    client = backend._client
    sent = []
    real = type(client).execute_command

    def counting(self, *args, **kwargs):
        sent.append(args[0])
        return real(self, *args, **kwargs)

    type(client).execute_command = counting
    try:
        assert [ratelimit.hit(key, 3, 2) for _ in range(5)] == [True, True, True, False, False]
    finally:
        type(client).execute_command = real
    assert sent == []  # no command of its own: each attempt one pipelined transaction
    assert backend.get(key) == 5  # the cache reads the same counter
    ttl = redis.Redis.from_url(redis_url).ttl(backend.make_and_validate_key(key))
    assert 0 < ttl <= 2
    time.sleep(2.2)
    assert ratelimit.hit(key, 3, 2)  # a new window
    assert backend.get(key) == 1
