"""An aggregate or a grouped count compiled once per process and shape, run with each call's
values.

Django compiles a queryset into SQL on every call. For a query that runs under a lock, such
as the counting of places while a sign-up holds its event's row, compiling cost more than
running it: every other sign-up of a rush waited for the compiler.

:func:`aggregate` asks the ORM once per *shape* (the caller's key for everything that changes
the SQL: which filters, which aggregates) with stand-in values, records the statement Django
sends to the database and where each stand-in went, and from then on runs that statement with
the call's values (:func:`rows` does the same for a ``values().annotate()`` queryset: a count per
group, such as an event page's places per kind and state). What cannot be planned this way is asked of the ORM every time, so the
answer is always the ORM's:

* a stand-in that is not found as one parameter of its own (a lookup that rewrote it, such as
  ``contains``; or SQLite, whose driver gets datetimes as text);
* a statement the ORM sent in more than one query.

Only plain values are supported (``int``, ``str``, aware ``datetime``), and only aggregates
whose values need no conversion from the database (counts and sums of integers).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable

from django.db import connections

MAX_SHAPES = 256

_lock = threading.Lock()
_plans: dict[tuple, tuple | None] = {}
_serial = itertools.count(1)


class _Slot:
    """Where a value of the call goes in the recorded parameters."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def _stand_in(value, number: int):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return -7_000_000_000 - number
    if isinstance(value, str):
        return f"\x1fstand-in-{number}\x1f"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return dt.datetime(1111, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=number)
    return None


def _plan(run: Callable, values: dict, using: str):
    """(sql, parameters with slots, names) for this shape, or None (ask the ORM each time).
    ``run(**stand_ins)`` asks the ORM with the stand-ins and returns the result's names."""
    stand_ins = {}
    for name, value in values.items():
        stand_in = _stand_in(value, next(_serial))
        if stand_in is None:
            return None
        stand_ins[name] = stand_in
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connections[using].execute_wrapper(record):
        names = run(**stand_ins)
    if len(sent) != 1:
        return None
    sql, params = sent[0]
    by_value = {stand_in: name for name, stand_in in stand_ins.items()}
    slotted, used = [], set()
    for param in params:
        name = by_value.get(param) if isinstance(param, int | str | dt.datetime) else None
        if name is not None:
            slotted.append(_Slot(name))
            used.add(name)
        elif isinstance(param, str) and any(
            isinstance(s, str) and s in param for s in stand_ins.values()
        ):
            return None  # a value the lookup rewrote
        else:
            slotted.append(param)
    if used != set(stand_ins):
        return None
    return sql, tuple(slotted), names


def aggregate(shape: tuple, make: Callable, *, using: str = "default", **values) -> dict:
    """``queryset.aggregate(**aggregates)`` for ``make(**values) -> (queryset, aggregates)``,
    compiled once per ``shape`` (see the module). ``shape`` must name everything that changes
    the SQL apart from ``values``."""

    def run(**given) -> list[str]:
        queryset, aggregates = make(**given)
        return list(queryset.using(using).aggregate(**aggregates))

    plan = _planned(("aggregate", using, *shape), run, values, using)
    if plan is None:
        queryset, aggregates = make(**values)
        return queryset.using(using).aggregate(**aggregates)
    names, found = _execute(plan, values, using)
    return dict(zip(names, found[0], strict=True))


def rows(shape: tuple, make: Callable, *, using: str = "default", **values) -> list[dict]:
    """``list(make(**values))`` for a ``values(...).annotate(...)`` queryset (a dict per
    group), compiled once per ``shape`` as :func:`aggregate` is."""

    def run(**given) -> list[str]:
        queryset = make(**given).using(using)
        list(queryset)
        query = queryset.query
        return [*query.extra_select, *query.values_select, *query.annotation_select]

    plan = _planned(("rows", using, *shape), run, values, using)
    if plan is None:
        return list(make(**values).using(using))
    names, found = _execute(plan, values, using)
    return [dict(zip(names, row, strict=True)) for row in found]


def _planned(key: tuple, run: Callable, values: dict, using: str):
    try:
        return _plans[key]
    except KeyError:
        plan = _plan(run, values, using)
        with _lock:
            if len(_plans) >= MAX_SHAPES:
                _plans.clear()
            _plans[key] = plan
        return plan


def _execute(plan: tuple, values: dict, using: str) -> tuple[list[str], list[tuple]]:
    sql, params, names = plan
    bound = [values[p.name] if isinstance(p, _Slot) else p for p in params]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, bound)
        return names, cursor.fetchall()


def forget_all() -> None:
    """Forget every plan of this process (tests)."""
    with _lock:
        _plans.clear()
