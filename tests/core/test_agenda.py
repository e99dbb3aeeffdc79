"""A weekly date folds into one line so that one-off events stand out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import translation

from treffpunkt.core.agenda import fold_recurring

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Entry:
    title: str
    start: dt.datetime
    kind: str = "event"


def test_weekly_entries_fold_into_one_line_and_one_off_events_stay():
    tuesdays = [
        Entry("Sprachcafé", dt.datetime(2026, 12, 8 + 7 * i, 17, tzinfo=BERLIN)) for i in range(4)
    ]
    festival = Entry("Begegnungsfest", dt.datetime(2026, 12, 12, 14, tzinfo=BERLIN))
    entries = sorted([*tuesdays, festival], key=lambda e: e.start)
    lines = fold_recurring(entries)
    assert [line.entry.title for line in lines] == ["Sprachcafé", "Begegnungsfest"]
    assert lines[0].count == 4 and lines[0].recurring
    assert not lines[1].recurring
    with translation.override("en"):
        assert lines[0].rhythm == "every Tuesday, next December 8"
    with translation.override("de"):
        assert lines[0].rhythm == "jeden Dienstag, nächster Termin 8. Dezember"
    with translation.override("ar"):
        assert lines[0].rhythm == "كل يوم الثلاثاء، الموعد القادم 8 ديسمبر"


def test_dates_on_different_weekdays_are_counted():
    entries = [
        Entry("Beratung", dt.datetime(2026, 12, 7, 10, tzinfo=BERLIN)),
        Entry("Beratung", dt.datetime(2026, 12, 9, 10, tzinfo=BERLIN)),
    ]
    (line,) = fold_recurring(entries)
    with translation.override("en"):
        assert line.rhythm == "2 dates, next December 7"
