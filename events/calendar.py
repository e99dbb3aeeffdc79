"""The calendar service's common currency: one entry per occurrence, from any source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
    kind: str = "event"  # "event", "conference", "festival", "meeting", ... (for filters and icons)
    kind_label: str = ""
    cancelled: bool = False
    action_field_ids: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)
