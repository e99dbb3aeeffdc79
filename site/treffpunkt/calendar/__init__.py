"""The site's calendar: a core service that apps and plugins fill.

Nothing here knows what an event or a meeting is. Apps declare the kinds of entries they
contribute (``calendar_kinds`` on their ``AppConfig`` or ``PluginConfig``, see
:mod:`treffpunkt.calendar.kinds`) and answer the signals in
:mod:`treffpunkt.calendar.signals`; this package gathers their answers into one list
(:func:`entries_between`, :func:`ahead`, :func:`upcoming`), one iCalendar feed (:func:`build_feed`) and the
"upcoming events" block of content pages.
"""

from .entries import FILTER_KEYS, CalendarEntry, clean_filters
from .feeds import build_feed, new_calendar, to_bytes
from .kinds import CalendarKind, declared_kinds, kind_choices
from .service import ahead, calendar_page, entries_between, folded, upcoming

__all__ = [
    "ahead",
    "FILTER_KEYS",
    "CalendarEntry",
    "CalendarKind",
    "build_feed",
    "calendar_page",
    "clean_filters",
    "declared_kinds",
    "entries_between",
    "folded",
    "kind_choices",
    "new_calendar",
    "to_bytes",
    "upcoming",
]
