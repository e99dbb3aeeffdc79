"""The calendar's entry type and the filters every contributor understands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings


@dataclass(frozen=True)
class CalendarEntry:
    """One thing happening at one time, as the calendar pages show it."""

    uid: str
    title: str
    start: datetime
    end: datetime
    url: str
    all_day: bool = False
    location: str = ""
    summary: str = ""
    kind: str = "event"  # one of the declared kinds (see treffpunkt.calendar.kinds)
    kind_label: str = ""
    cancelled: bool = False
    action_field_ids: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)


FILTER_KEYS = ("action_field", "working_group", "organisation", "language", "kind")
_ID_KEYS = ("action_field", "working_group", "organisation")


def clean_filters(filters: dict | None) -> dict:
    """Only known keys with usable values; ids as ints (anything else is dropped)."""
    from .kinds import declared_kinds

    cleaned: dict = {}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS or value in (None, ""):
            continue
        if key in _ID_KEYS:
            try:
                cleaned[key] = int(value)
            except (TypeError, ValueError):
                continue
        elif key == "language":
            if value in {code for code, _name in settings.LANGUAGES}:
                cleaned[key] = value
        elif key == "kind" and value in {kind.key for kind in declared_kinds()}:
            cleaned[key] = value
    return cleaned
