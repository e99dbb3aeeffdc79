"""What a request will ask the shared cache for, asked in the round trip that finds its site.

Every request asks Redis for its site and the chrome's generation first
(:func:`treffpunkt.core.middleware.find_site`). A signed-in person's page then asked again for
their session, and again for the chat's entry in the menu: three round trips, each a switch to
the Redis process and back, on every page a member opens. Here those keys join the first round
trip.

What a request will ask for depends on who asks and on which site, and neither is known before
that round trip. So the guess comes from this process's memory of earlier requests: the site
last found for the host, and the person last signed in with the session cookie. A provider
(:func:`register`) names the keys it will want for such a guess; their values are put in the
request's memo, and :func:`fetched` hands them to whoever asks for exactly these keys in this
request. A wrong guess only names keys nobody asks for: the asker then asks the cache as before.
Nothing is ever taken from a guess; only values of the keys asked for are used.

The kept parts of a page (the calendar's next dates, a kept entry and its generations) ask
for keys that follow from the address: :func:`read_many` reads them, from the first round trip
when they were asked for there, and this process learns which keys the last request for the
same address (and host, signed in or not) asked for, to name them in the next one's first round
trip. Such a guess is wrong only when what the address shows changed its keys; then those are
asked for as before, and learned for the next request.

A value written or a generation bumped during the request is forgotten (:func:`forget`), so
the rest of the request reads it anew.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

from .requestmemo import current, seed
from .requestmemo import forget as forget_memo

#: hints kept per process (the oldest go first)
MAX_HINTS = 5000
#: keys learned per address at most
MAX_LEARNED_KEYS = 48

#: a provider: (request, site pk, user pk) -> the keys it will ask for (both pks may be None)
Provider = Callable[[object, int | None, int | None], Iterable[str]]

_providers: list[Provider] = []
_lock = threading.Lock()
_sites: OrderedDict[str, int] = OrderedDict()
_people: OrderedDict[str, int] = OrderedDict()
#: (host, digest of the address, signed in) -> the keys the last request for it read with
#: read_many
_learned: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()


class _Missing:
    __repr__ = lambda self: "MISSING"  # noqa: E731


#: asked for in the first round trip and not found in the cache
MISSING = _Missing()


def register(provider: Provider) -> None:
    """Name the keys ``provider`` wants in the first round trip (once per provider)."""
    if provider not in _providers:
        _providers.append(provider)


def _remember(hints: OrderedDict, key: str, value: int) -> None:
    with _lock:
        hints[key] = value
        hints.move_to_end(key)
        while len(hints) > MAX_HINTS:
            hints.popitem(last=False)


def site_found(host_key: str, site_pk: int) -> None:
    """The site found for a host (the next request's guess)."""
    if _sites.get(host_key) != site_pk:
        _remember(_sites, host_key, site_pk)


def person_found(session_key: str | None, user_pk: int | None) -> None:
    """The person signed in with a session (the next request's guess)."""
    if session_key and user_pk is not None and _people.get(session_key) != user_pk:
        _remember(_people, session_key, user_pk)


def session_key_of(request) -> str | None:
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME) or None


def _address(request, host_key: str, session_key: str | None) -> tuple:
    # a digest of the path and query: an address of any length takes the same memory
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).digest()
    return (host_key, path, session_key is not None)


def keys_for(request, host_key: str) -> list[str]:
    """The keys this request will want, as this process guesses: the providers' and those
    the last request for the address read (see the module)."""
    session_key = session_key_of(request)
    site_pk = _sites.get(host_key)
    user_pk = _people.get(session_key) if session_key else None
    keys: list[str] = []
    for provider in _providers:
        keys.extend(provider(request, site_pk, user_pk))
    address = _address(request, host_key, session_key)
    seed(("prefetch", "address"), address)
    seed(("prefetch", "asked"), [])
    keys.extend(_learned.get(address, ()))
    return keys


def read_many(keys: list[str]) -> dict:
    """``cache.get_many(keys)``, from the request's first round trip when it asked for every
    one of them there; the next request for this address asks for them there."""
    memo = current()
    if memo:
        asked = memo.get(("prefetch", "asked"))
        if asked is not None:
            asked.extend(keys)
    found = fetched(keys)
    return cache.get_many(keys) if found is None else found


def request_done() -> None:
    """Learn what this request read with :func:`read_many` for the next one to its address."""
    memo = current()
    if not memo or ("prefetch", "address") not in memo:
        return
    address = memo[("prefetch", "address")]
    asked = tuple(dict.fromkeys(memo[("prefetch", "asked")]))[:MAX_LEARNED_KEYS]
    if _learned.get(address) == asked:
        return
    with _lock:
        if asked:
            _learned[address] = asked
            _learned.move_to_end(address)
            while len(_learned) > MAX_HINTS:
                _learned.popitem(last=False)
        else:
            _learned.pop(address, None)


def seed_found(keys: Iterable[str], found: dict) -> None:
    """Put what the first round trip found for ``keys`` into the request's memo."""
    for key in keys:
        seed(("fetched", key), found.get(key, MISSING))


def fetched(keys: Iterable[str]) -> dict | None:
    """The values the first round trip found for every one of ``keys`` (missing ones left out),
    or None when any of them was not asked for there (or was forgotten since)."""
    memo = current()
    if not memo:
        return None
    found = {}
    for key in keys:
        value = memo.get(("fetched", key))
        if value is None:
            return None
        if value is not MISSING:
            found[key] = value
    return found


def forget(*keys: str) -> None:
    """``keys`` were written or bumped in this request: read them anew."""
    for key in keys:
        forget_memo("fetched", key)


def forget_all() -> None:
    """Forget every hint of this process (tests)."""
    with _lock:
        _sites.clear()
        _people.clear()
        _learned.clear()
