"""The places of an event as its page shows them, kept per process while none of the event's
sign-ups changed.

An event page counts its places on every render (per kind, state, workshop and shift: one
grouped query over the event's sign-ups). With a festival's two thousand sign-ups that query
cost more than the rest of the page. The counts only change when a sign-up of the event does,
so each process keeps them per event (and per person, whose own sign-up the same query
finds) under a generation of the event's sign-ups in the shared cache, read in the request's
first round trip (:mod:`treffpunkt.core.generations`). Every change bumps it:

* a sign-up saved or deleted (``post_save``/``post_delete``, the rows of a deleted event too);
* the changes made without signals: held places that lapsed
  (:func:`events.registrations._expire`), the sign-ups of a deleted account
  (:func:`events.receivers.forget_person`) and those of past events made anonymous
  (:func:`events.registrations.anonymise_past`);
* ``manage.py renew_kept`` after sign-ups were changed by hand: it renews a generation of all
  events' places, which every kept count is checked against too.

Only what pages show is kept here: the sign-up itself counts the places under the event's
lock, from the database, every time. Without a cache that every process shares the places
are counted every time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings

from treffpunkt.core import generations

#: (event, person or None) whose counts this process keeps; the least recently used go first
KEPT = 2000
_kept: OrderedDict[tuple, tuple[tuple[int, int], list]] = OrderedDict()
_lock = threading.Lock()


#: the places of every event (``manage.py renew_kept`` renews it: :func:`generations.known`)
ALL_EVENTS = "treffpunkt:generation:places:all"
generations.known(ALL_EVENTS)


def generation_key(event_id: int) -> str:
    return f"treffpunkt:generation:places:{event_id}"


def changed(*event_ids: int) -> None:
    """The sign-ups of these events changed: every process counts their places again."""
    generations.bump(*(generation_key(pk) for pk in dict.fromkeys(event_ids) if pk))


def kept_rows(event_id: int, user_id: int | None, count: Callable[[], list]) -> list:
    """``count()`` (the grouped rows of the event's places), kept while the event's sign-ups
    stand as they were; the rows handed out are the kept ones (dicts of numbers: read them,
    never change them)."""
    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return count()
    generation = (
        generations.read_once(ALL_EVENTS),
        generations.read_once(generation_key(event_id)),
    )
    key = (event_id, user_id)
    found = _kept.get(key)
    if found is not None and found[0] == generation:
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
        return found[1]
    rows = count()
    # not when a generation was lost at once (nothing to tell the copy is out of date), nor
    # from inside an uncommitted change (the rows read may yet be rolled back)
    if all(generation) and generations.settled():
        with _lock:
            _kept[key] = (generation, rows)
            _kept.move_to_end(key)
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    return rows


def _saved_or_deleted(sender, instance, **kwargs) -> None:
    # and the event it was read or last saved with, when it was moved to another
    changed(instance.event_id, getattr(instance, "_loaded_event_id", None))
    instance._loaded_event_id = instance.event_id


def connect(models: Iterable[type]) -> None:
    generations.connect_saved_and_deleted(_saved_or_deleted, models, uid="events_places")


def forget_all() -> None:
    """Forget the counts this process keeps (tests)."""
    with _lock:
        _kept.clear()
