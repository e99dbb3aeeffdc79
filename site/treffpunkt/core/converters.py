"""URL converters and parameter parsing that never let bad input reach the database.

Django's ``int`` converter accepts any number of digits; an id beyond the database's
integer range then raises ``OverflowError`` (SQLite) or ``DataError`` (PostgreSQL) deep in a
query: a 500. ``<id:...>`` accepts 1 to 18 digits (always inside a signed 64-bit integer,
so an id that cannot exist simply finds nothing: 404), and ``<day:...>`` a real date
between 1900 and 2200 (the view receives it as the ``YYYY-MM-DD`` text it had). A value
the converter refuses does not match the pattern, so the visitor gets the site's 404.

Query-string and websocket values go through :func:`bounded_int`.

Importing this module registers the converters; every ``urls.py`` that uses them imports
it (``from treffpunkt.core import converters  # noqa: F401``).
"""

from __future__ import annotations

import datetime as dt

from django.urls import register_converter

#: the largest id any table here can hold (PostgreSQL ``integer``, the smallest id column)
MAX_ID = 2_147_483_647
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2200, 12, 31)


def bounded_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int inside [minimum, maximum], or None for anything else.

    Only ASCII digits count ("²" and "٣" are digits to ``str.isdigit`` but not ids), so
    a query string, a form field or a websocket field can be passed as it came.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= 18 and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


class IdConverter:
    """A database id: 1 to 10 ASCII digits, at most :data:`MAX_ID`."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = bounded_int(value)
        if number is None:
            raise ValueError(value)  # no match: the next pattern or a 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class DayConverter:
    """A calendar day ``YYYY-MM-DD`` between 1900 and 2200, passed on as that text."""

    regex = "[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        day = dt.date.fromisoformat(value)  # ValueError for 2026-02-30: no match
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(value)
        return value

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


register_converter(IdConverter, "id")
register_converter(DayConverter, "day")


class TokenConverter:
    """A secret from a mail link: URL-safe base64 and the separators of Django's signing
    (``:``), at most 100 characters. A NUL byte or a megabyte of text never reaches a query
    (PostgreSQL refuses NUL in text: a 500)."""

    regex = "[A-Za-z0-9_:.-]{1,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(TokenConverter, "token")


class YearConverter:
    """A year of four digits between 1900 and 2200 (a monthly statement's period)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return str(int(value))


class MonthConverter:
    """A month number 1 to 12, with or without a leading zero."""

    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError(value)
        return month

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
