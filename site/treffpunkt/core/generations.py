"""Generations: numbers in the shared cache that say "what you kept from before is out of date".

Something kept per person or per town (a count, a menu entry) is stored together with the
generations it was built under; a change of what it shows bumps one of them, and the next
reader sees that its copy is of an older generation and builds it again. This is the
pattern of :mod:`treffpunkt.core.chrome`, for any number of named generations.

* :func:`current` reads generations (one round trip to the cache for all of them). A
  missing one (a new or emptied cache) starts at a random number, never at one used before.
* :func:`bump` starts a new generation at once and again when the change is committed: a
  reader between the two may have read rows of before the commit, and the second bump
  renews what it kept.
* :func:`settled` says whether this connection has no bump of this module still
  uncommitted; keep what you built only when it is, since the rows you read may yet be
  rolled back (and no bump would follow a rollback).
* :func:`keep` does all three for one value: what is kept under a key is returned while
  its generations stand, else it is built again (and kept when :func:`settled`).

The cache is Redis when ``REDIS_URL`` is set, so every process sees the same generations;
without Redis each process has its own local memory, as everything it keeps does.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from . import prefetch
from .requestmemo import forget, memoized

T = TypeVar("T")


def current(keys: Iterable[str], *also: str) -> tuple[dict[str, int], dict]:
    """The generations named ``keys`` and, in the same round trip, the cache entries named
    ``also`` (missing ones left out): ``(generations, entries)``."""
    keys = list(keys)
    # asked for in the round trip that found the site (treffpunkt.core.prefetch), or now
    found = prefetch.read_many([*keys, *also])
    generations = {}
    for key in keys:
        value = found.get(key)
        if value is None:
            cache.add(key, _fresh(), timeout=None)  # the first process to ask wins
            value = cache.get(key, 0)
        generations[key] = value
    return generations, {key: found[key] for key in also if key in found}


def keep(
    key: str,
    generation_keys: Iterable[str],
    compute: Callable[[], T],
    timeout: int | None,
    *,
    renew: bool = False,
) -> T:
    """What is kept under ``key`` while the generations ``generation_keys`` are those it was
    built under, else ``compute()``: one round trip to the cache when it is kept.

    The value is stored with the generations read *before* it was computed, so a bump during
    the computation makes the next reader build it again. It is stored only when
    :func:`settled`: rows read inside an uncommitted change may yet be rolled back (and no
    bump would follow). ``renew``: compute it whatever is kept (and keep what was computed).
    """
    generation_keys = tuple(generation_keys)
    generations, found = current(generation_keys, key)
    stamp = tuple(generations[name] for name in generation_keys)
    kept = found.get(key)
    if kept is not None and kept[0] == stamp and not renew:
        return kept[1]
    value = compute()
    if settled():
        cache.set(key, (stamp, value), timeout)
        prefetch.forget(key)
    return value


def connect_saved_and_deleted(receiver: Callable, models: Iterable[type], *, uid: str) -> None:
    """Connect ``receiver`` (strongly) to ``post_save`` and ``post_delete`` of every model of
    ``models``, under ``dispatch_uid`` ``f"{uid}_{model.__name__}"``, so connecting again
    (a second ``ready``) adds nothing: what bumps a generation on every change of those rows."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                receiver, sender=model, weak=False, dispatch_uid=f"{uid}_{model.__name__}"
            )


def _fresh() -> int:
    return secrets.randbits(52) + 1


def _incr(keys: tuple[str, ...]) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # none yet (or the cache was emptied): any new number will do
            cache.set(key, _fresh(), timeout=None)


def bump(*keys: str) -> None:
    """Start new generations for ``keys``: now, and again after the commit."""
    if not keys:
        return
    _incr(keys)
    transaction.on_commit(functools.partial(_incr, keys), robust=True)
    # a generation this request read once (see :func:`read_once`) is read again
    for key in keys:
        forget("generation", key)
    prefetch.forget(*keys)


#: the generations apps named with :func:`known`: ``manage.py renew_kept`` renews them all
_known: set[str] = set()


def known(*keys: str) -> None:
    """Name generations that ``manage.py renew_kept`` renews (after rows were changed by
    hand, behind the signals' back)."""
    _known.update(keys)


def renew_all() -> list[str]:
    """Start a new generation of every generation named with :func:`known`."""
    keys = sorted(_known)
    bump(*keys)
    return keys


def read_once(key: str) -> int:
    """The generation ``key``, read once a request (or seeded by the round trip that finds
    the request's site: treffpunkt.core.middleware.find_site); a bump in this request reads
    it again."""
    return memoized(("generation", key), lambda: current([key])[0][key])


def _is_ours(func: Callable) -> bool:
    return getattr(func, "func", None) is _incr


def settled() -> bool:
    """Whether this connection has no bump of :func:`bump` still uncommitted."""
    return pending_committed(_is_ours)


def pending_committed(matches: Callable[[Callable], bool]) -> bool:
    """Whether every callback of this connection's ``on_commit`` queue that ``matches``
    belongs to a block already committed (there is none pending, outside tests).

    Django's test cases run each test in a transaction that is never committed; there,
    what the test's own inner blocks finished counts as committed."""
    connection = transaction.get_connection()
    pending = [sids for sids, func, _robust in connection.run_on_commit if matches(func)]
    if not pending:
        return True
    blocks = connection.atomic_blocks
    if not blocks or not getattr(blocks[0], "_from_testcase", False):
        return False
    still_open = {
        sid
        for sid, block in zip(connection.savepoint_ids, blocks[1:], strict=False)
        if sid is not None and not getattr(block, "_from_testcase", False)
    }
    return not any(sids & still_open for sids in pending)
