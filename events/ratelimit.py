"""Rate limits on sign-up, per IP address and per email address.

Counted in Django's cache: with ``REDIS_URL`` set every web process shares the counters
(Redis ``INCR`` is atomic); with the default local-memory cache they hold per process only,
which is enough for the one-process demo. Limits: ``EVENTS_SIGNUP_RATE_IP`` and
``EVENTS_SIGNUP_RATE_EMAIL``, each ``(count, seconds)``.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt; True while the attempts in the window stay within the limit."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_ip(request) -> str:
    # Behind a proxy, the proxy must set REMOTE_ADDR correctly (e.g. uvicorn --proxy-headers).
    return request.META.get("REMOTE_ADDR", "")


def allow_signup(request, email: str) -> bool:
    ip_limit, ip_window = getattr(settings, "EVENTS_SIGNUP_RATE_IP", (30, 3600))
    mail_limit, mail_window = getattr(settings, "EVENTS_SIGNUP_RATE_EMAIL", (5, 3600))
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    ip_ok = _hit(f"events:signup:ip:{client_ip(request)}", ip_limit, ip_window)
    mail_ok = _hit(f"events:signup:email:{digest}", mail_limit, mail_window)
    return ip_ok and mail_ok
