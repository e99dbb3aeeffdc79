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

from treffpunkt.core.ratelimit import hit


def client_ip(request) -> str:
    # Behind a proxy, the proxy must set REMOTE_ADDR correctly (e.g. uvicorn --proxy-headers).
    return request.META.get("REMOTE_ADDR", "")


def allow_signup(request, email: str) -> bool:
    ip_limit, ip_window = getattr(settings, "EVENTS_SIGNUP_RATE_IP", (30, 3600))
    mail_limit, mail_window = getattr(settings, "EVENTS_SIGNUP_RATE_EMAIL", (5, 3600))
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    ip_ok = hit(f"events:signup:ip:{client_ip(request)}", ip_limit, ip_window)
    mail_ok = hit(f"events:signup:email:{digest}", mail_limit, mail_window)
    return ip_ok and mail_ok


# --- holds of unconfirmed sign-ups ------------------------------------------------------
#
# One visitor must not book out an event with invented addresses. A sign-up whose address
# is not confirmed holds places only while its visitor stays within EVENTS_HOLDS_PER_IP (per
# event) and EVENTS_HOLDS_PER_EMAIL (over all events), each ``(count, seconds)``; beyond
# that, or while the event is under attack (many posts, or holds refused), it holds nothing
# until the address is confirmed. A solved proof-of-work challenge (events.challenge) lets
# the visitor hold again. The engine adds the limits it counts under the lock (the share of
# places unconfirmed sign-ups may hold, large parties).


def _attack_key(event_id: int) -> str:
    return f"events:attack:{event_id}"


def mark_attack(event_id: int) -> None:
    cache.set(_attack_key(event_id), 1, timeout=getattr(settings, "EVENTS_ATTACK_SECONDS", 1800))


def under_attack(event_id: int) -> bool:
    return bool(cache.get(_attack_key(event_id)))


def may_hold(request, email: str, event_id: int, solved: bool = False) -> bool:
    """Whether this unconfirmed sign-up may hold places (counts the attempt)."""
    posts, window = getattr(settings, "EVENTS_ATTACK_POSTS", (60, 600))
    if not hit(f"events:posts:{event_id}", posts, window):
        mark_attack(event_id)
    if solved:
        return True
    if under_attack(event_id):
        return False
    ip_limit, ip_window = getattr(settings, "EVENTS_HOLDS_PER_IP", (3, 3600))
    mail_limit, mail_window = getattr(settings, "EVENTS_HOLDS_PER_EMAIL", (3, 3600))
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    ip_ok = hit(f"events:holds:ip:{event_id}:{client_ip(request)}", ip_limit, ip_window)
    mail_ok = hit(f"events:holds:email:{digest}", mail_limit, mail_window)
    if not ip_ok:
        mark_attack(event_id)
    return ip_ok and mail_ok
