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
    cancelled: bool = False


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


def test_a_fortnightly_date_is_not_called_weekly():
    """A meeting every other Thursday said "jeden Donnerstag" on the home page: newcomers
    came in the weeks between."""
    entries = [
        Entry("Elterncafé", dt.datetime(2026, 12, 3 + 14 * i, 16, tzinfo=BERLIN)) for i in range(2)
    ] + [Entry("Elterncafé", dt.datetime(2027, 1, 14, 16, tzinfo=BERLIN))]
    (line,) = fold_recurring(entries)
    assert line.count == 3
    with translation.override("de"):
        assert line.rhythm == "jeden zweiten Donnerstag, nächster Termin 3. Dezember"
    with translation.override("en"):
        assert line.rhythm == "every other Thursday, next December 3"


def test_a_weekly_date_with_a_week_left_out_is_still_weekly():
    days = [1, 8, 22, 29]  # the 15th falls out
    entries = [Entry("Sprachcafé", dt.datetime(2026, 12, d, 17, tzinfo=BERLIN)) for d in days]
    (line,) = fold_recurring(entries)
    with translation.override("en"):
        assert line.rhythm == "every Tuesday, next December 1"


def test_a_monthly_date_on_one_weekday_is_counted():
    firsts = [(2026, 12, 3), (2027, 1, 7), (2027, 2, 4)]  # each month's first Thursday
    entries = [Entry("Netzwerktreffen", dt.datetime(*d, 18, tzinfo=BERLIN)) for d in firsts]
    (line,) = fold_recurring(entries)
    with translation.override("en"):
        assert line.rhythm == "3 dates, next December 3"


def test_a_fortnightly_date_with_one_extra_date_is_not_called_weekly():
    """Gaps of 14, 7, 14, 14 days (found by the adversarial review): most weeks have no
    meeting, so the line counts the dates."""
    start = dt.datetime(2026, 12, 3, 16, tzinfo=BERLIN)
    entries = [Entry("Elterncafé", start + dt.timedelta(days=d)) for d in (0, 14, 21, 35, 49)]
    (line,) = fold_recurring(entries)
    with translation.override("en"):
        assert line.rhythm == "5 dates, next December 3"


def test_the_next_date_of_a_line_is_one_that_takes_place():
    """A weekly café whose next date is cancelled read "every Thursday, next 10 December ·
    Cancelled" (found by the adversarial review): newcomers could not tell whether the
    series or the date was off. The line now names the next date that takes place."""
    start = dt.datetime(2026, 12, 10, 16, tzinfo=BERLIN)
    entries = [
        Entry("Sprachcafé", start + dt.timedelta(days=7 * i), cancelled=(i == 0)) for i in range(4)
    ]
    entries.insert(1, Entry("Begegnungsfest", start + dt.timedelta(days=2)))
    lines = fold_recurring(entries)
    assert [line.entry.title for line in lines] == ["Begegnungsfest", "Sprachcafé"]
    cafe = lines[1]
    assert not cafe.entry.cancelled and cafe.count == 4
    with translation.override("de"):
        assert cafe.rhythm == "jeden Donnerstag, nächster Termin 17. Dezember"


def test_a_line_of_cancelled_dates_only_stays_cancelled():
    start = dt.datetime(2026, 12, 10, 16, tzinfo=BERLIN)
    entries = [
        Entry("Sprachcafé", start + dt.timedelta(days=7 * i), cancelled=True) for i in range(2)
    ]
    (line,) = fold_recurring(entries)
    assert line.entry.cancelled and line.entry.start == start
