"""A self-hosted proof-of-work challenge for the sign-up form of an event under attack.

No third party and nothing loaded from elsewhere: the server hands out a signed random
challenge, the visitor's browser (``events/js/signup-challenge.js``, about a second of
hashing on a phone) finds a nonce so that ``sha256("<challenge>:<nonce>")`` starts with
EVENTS_POW_BITS zero bits, and the server checks the signature, the age, the hash and that
the challenge was not used before. Cheap for one visitor, expensive for a thousand posts.
Without JavaScript the sign-up still goes through; it then holds no place until the address
is confirmed.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "events.signup-challenge"
MAX_AGE = 600


def bits() -> int:
    return getattr(settings, "EVENTS_POW_BITS", 16)


def issue(event_id: int) -> dict:
    value = f"{event_id}.{bits()}.{secrets.token_hex(12)}"
    return {"challenge": signing.TimestampSigner(salt=SALT).sign(value), "bits": bits()}


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge: str, difficulty: int) -> str:
    """What the browser does (used by tests and the bench)."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < difficulty:
        nonce += 1
    return str(nonce)


def verify(challenge: object, nonce: object, event_id: int) -> bool:
    """True once for a challenge of this event, solved, signed here and not too old."""
    if not isinstance(challenge, str) or not isinstance(nonce, str):
        return False
    if len(challenge) > 200 or not (0 < len(nonce) <= 20) or not nonce.isascii():
        return False
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(challenge, max_age=MAX_AGE)
        event, difficulty, _random = value.split(".")
        if int(event) != event_id:
            return False
    except (signing.BadSignature, ValueError):
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < int(difficulty):
        return False
    # one use only: a solved challenge cannot be replayed for a thousand posts
    return cache.add(f"events:pow:{hashlib.sha256(challenge.encode()).hexdigest()}", 1, MAX_AGE)
