"""Counting attempts per client IP and per target in the cache, for the public forms that
send mail (newsletter subscribe, join requests) and the chat's typing and edit events.

With ``REDIS_URL`` every process shares the counters (``INCR`` is atomic); with the local
memory cache they hold per process. Limits are ``(count, seconds)`` pairs. The IP is
``REMOTE_ADDR`` as the trusted proxy settings leave it. Targets (an address, a group) are
hashed, so the cache holds no address in clear.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt; True while the attempts in the window stay within the limit."""
    return _count(key, window) <= limit


def _count(key: str, window: int) -> int:
    """The attempts in the window with this one: on Redis one round trip (start the window
    if there is none, and count, in one transaction), else the cache's add and incr."""
    from .rediscache import RedisCache

    backend = _backend()
    if isinstance(backend, RedisCache):
        redis_key = backend.make_and_validate_key(key)
        with backend._client.pipeline(transaction=True) as pipe:
            pipe.set(redis_key, 0, nx=True, ex=window)
            pipe.incr(redis_key)
            return int(pipe.execute()[1])
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _backend():
    """The default cache's backend object (``cache`` is a proxy to it)."""
    from django.core.cache import caches

    return caches["default"]


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def allow(
    request, scope: str, target: str, *, per_ip: tuple[int, int], per_target: tuple[int, int]
) -> bool:
    """One attempt of ``scope`` from this client at ``target``; False beyond either limit."""
    ip = request.META.get("REMOTE_ADDR", "")
    ip_ok = hit(f"limit:{scope}:ip:{_digest(ip)}", *per_ip)
    target_ok = hit(f"limit:{scope}:target:{_digest(target)}", *per_target)
    return ip_ok and target_ok
