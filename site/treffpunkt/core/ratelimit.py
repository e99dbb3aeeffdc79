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
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


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
