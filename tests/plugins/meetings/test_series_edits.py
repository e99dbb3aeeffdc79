"""Editing a series: its past never changes and its pattern never drifts (issue 12, 1–2).

The first test reproduces the finding: the demo's fortnightly Thursday working group, whose
end time was changed on a Tuesday, had every later date on a Tuesday.
"""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import recurrence
import recurring_ical_events
from dateutil import rrule
from freezegun import freeze_time

from plugins.meetings import ical, schedule
from plugins.meetings.models import MeetingSeriesPage, Occurrence, OccurrenceStatus

from .conftest import weekly

TZ = schedule.TZ
pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def days(series, start=dt.date(2026, 9, 1), end=dt.date(2027, 6, 1)):
    return [
        (d.local_start.date(), d.local_start.time(), d.status) for d in _dates(series, start, end)
    ]


def _dates(series, start, end):
    return schedule.dates_for(MeetingSeriesPage.objects.get(pk=series.pk), start, end)


def feed_dates(series, start=None, end=None):
    start, end = start or local(2026, 9, 1), end or local(2027, 6, 1)
    series = MeetingSeriesPage.objects.get(pk=series.pk)
    cal = icalendar.Calendar.from_ical(
        ical.calendar(ical.components_for([series], domain="beckum.test"), "Test")
    )
    return sorted(e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(start, end))


def working_group(make_series, **fields):
    """The demo's "AG Kontakt mit (städtischen) Behörden": every 2 weeks from Thursday 1 Oct."""
    values = {
        "title": "AG Kontakt mit Behörden",
        "first_date": dt.date(2026, 10, 1),
        "start_time": dt.time(16),
        "end_time": dt.time(17, 30),
        "recurrence": weekly(2),
        "location": "Integrationsbüro",
    }
    values.update(fields)
    return make_series(**values)


def edit(series, **fields) -> MeetingSeriesPage:
    series = MeetingSeriesPage.objects.get(pk=series.pk)
    for name, value in fields.items():
        setattr(series, name, value)
    series.save_revision().publish()
    return MeetingSeriesPage.objects.get(pk=series.pk)


@pytest.mark.parametrize("legacy_rule", [False, True], ids=["anchored", "saved-unanchored"])
def test_end_time_edited_on_a_tuesday_keeps_thursdays_and_the_cancelled_date(
    make_series, legacy_rule
):
    with freeze_time("2026-09-01 10:00:00+02:00"):
        series = working_group(make_series)
        if legacy_rule:  # as stored before rules were anchored: no weekday in the rule
            MeetingSeriesPage.objects.filter(pk=series.pk).update(recurrence=weekly(2))
        Occurrence.objects.create(
            series=series,
            original_start=local(2026, 12, 24, 16),
            status=OccurrenceStatus.CANCELLED,
            note="Heiligabend",
        )
    before = days(series)
    assert {d.weekday() for d, _t, _s in before} == {3}  # Thursdays only
    with freeze_time("2026-11-17 10:00:00+01:00"):  # a Tuesday
        edited = edit(series, end_time=dt.time(18))
        after = days(series)
        feed = feed_dates(series)
    # every date keeps its day; the past keeps its end, the future gets the new one
    assert [d for d, _t, _s in after] == [d for d, _t, _s in before]
    assert {d.weekday() for d in (s.date() for s in feed)} == {3}
    past = _dates(edited, dt.date(2026, 9, 1), dt.date(2026, 11, 19))
    assert {d.local_end.time() for d in past} == {dt.time(17, 30)}
    future = _dates(edited, dt.date(2026, 11, 19), dt.date(2027, 6, 1))
    assert {d.local_end.time() for d in future} == {dt.time(18)}
    # the cancelled 24 December still matches its date, on the site and in the feed
    christmas = next(d for d in future if d.local_start.date() == dt.date(2026, 12, 24))
    assert christmas.cancelled and christmas.row.note == "Heiligabend"
    assert local(2026, 12, 24, 16) not in feed
    assert schedule.orphaned_rows(edited) == []
    # the rule is saved with its weekday
    assert schedule.the_rule(edited.recurrence).byday == [recurrence.Weekday(3)]


def test_counted_series_keeps_its_total_and_the_feed_ends_the_old_segment(make_series):
    with freeze_time("2026-09-01 10:00:00+02:00"):
        series = working_group(make_series, recurrence=weekly(1, count=12))
    with freeze_time("2026-11-17 10:00:00+01:00"):
        edited = edit(series, start_time=dt.time(17), end_time=dt.time(18, 30))
    dates = days(edited)
    assert len(dates) == 12
    assert dates[0][0] == dt.date(2026, 10, 1) and dates[-1][0] == dt.date(2026, 12, 17)
    assert [t for _d, t, _s in dates] == [dt.time(16)] * 7 + [dt.time(17)] * 5
    feed = feed_dates(edited)
    assert [s.astimezone(TZ).replace(tzinfo=None) for s in feed] == [
        dt.datetime.combine(d, t) for d, t, _s in dates
    ]
    cal = icalendar.Calendar.from_ical(
        ical.calendar(ical.components_for([edited], domain="beckum.test"), "T")
    )
    rules = sorted(e["RRULE"].to_ical().decode() for e in cal.walk("VEVENT"))
    assert rules == ["FREQ=WEEKLY;COUNT=5;BYDAY=TH", "FREQ=WEEKLY;UNTIL=20261112T150000Z;BYDAY=TH"]


def test_the_change_applies_from_the_chosen_date(make_series):
    with freeze_time("2026-09-01 10:00:00+02:00"):
        series = working_group(make_series)
    with freeze_time("2026-11-17 10:00:00+01:00"):
        edited = edit(series, location="Rathaus, Raum 3", changes_from=dt.date(2026, 12, 5))
        assert edited.changes_from is None  # used once
        by_day = {
            d.local_start.date(): d.location
            for d in _dates(edited, dt.date(2026, 11, 1), dt.date(2027, 1, 31))
        }
    assert by_day[dt.date(2026, 11, 26)] == "Integrationsbüro"
    assert by_day[dt.date(2026, 12, 10)] == "Rathaus, Raum 3"
    assert set(by_day) == {
        dt.date(2026, 11, 12),
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 10),
        dt.date(2026, 12, 24),
        dt.date(2027, 1, 7),
        dt.date(2027, 1, 21),
    }


def test_a_chosen_date_in_the_past_never_changes_the_past(make_series):
    with freeze_time("2026-09-01 10:00:00+02:00"):
        series = working_group(make_series)
    before = days(series, end=dt.date(2026, 11, 17))
    with freeze_time("2026-11-17 10:00:00+01:00"):
        edited = edit(series, start_time=dt.time(9), changes_from=dt.date(2026, 9, 1))
    assert days(edited, end=dt.date(2026, 11, 17)) == before


def test_a_date_the_new_rule_no_longer_has_is_shown_to_the_hosts(make_series, people, client):
    with freeze_time("2026-09-01 10:00:00+02:00"):
        series = working_group(make_series)
        row = Occurrence.objects.create(
            series=series,
            original_start=local(2026, 12, 24, 16),
            status=OccurrenceStatus.CANCELLED,
            note="Heiligabend",
        )
    with freeze_time("2026-11-17 10:00:00+01:00"):
        edited = edit(
            series,
            recurrence=recurrence.Recurrence(
                rrules=[recurrence.Rule(rrule.WEEKLY, interval=2, byday=[rrule.WE])]
            ),
        )
        assert [r.pk for r in schedule.orphaned_rows(edited)] == [row.pk]
        client.force_login(people["manager"])
        page = client.get(edited.url).content.decode()
        orphaned = page.split('id="orphaned-dates"', 1)[1].split("</section>", 1)[0]
        assert "24.12.2026" in orphaned and "Heiligabend" in orphaned
        client.force_login(people["member"])
        assert 'id="orphaned-dates"' not in client.get(edited.url).content.decode()
    # from the next date (26 Nov) on, the new rule in the fortnight of the old one
    assert [d for d, _t, _s in days(edited, dt.date(2026, 11, 1), dt.date(2026, 12, 31))] == [
        dt.date(2026, 11, 12),
        dt.date(2026, 12, 9),
        dt.date(2026, 12, 23),
    ]


def every_third_month_on_the_fourth_saturday(until: dt.date) -> recurrence.Recurrence:
    return recurrence.Recurrence(
        rrules=[
            recurrence.Rule(
                rrule.MONTHLY,
                interval=3,
                byday=[rrule.SA(4)],
                until=dt.datetime.combine(until, dt.time()),
            )
        ]
    )


def quarterly_reading_circle(make_series):
    """From Saturday 22 August 2026 every third month on the 4th Saturday until 5 August 2027:
    its last date is 22 May 2027."""
    with freeze_time("2026-08-21 12:00:00+02:00"):
        return make_series(
            title="Lesekreis",
            first_date=dt.date(2026, 8, 22),
            start_time=dt.time(20, 15),
            end_time=dt.time(21, 45),
            recurrence=every_third_month_on_the_fourth_saturday(dt.date(2027, 8, 5)),
            location="Rathaus",
        )


QUARTERLY = [
    dt.date(2026, 8, 22),
    dt.date(2026, 11, 28),
    dt.date(2027, 2, 27),
    dt.date(2027, 5, 22),
]
WHOLE_SPAN = (dt.date(2026, 8, 1), dt.date(2028, 7, 1))


def test_an_edit_from_a_day_after_the_last_date_adds_no_date(make_series):
    """Found by the property test: the edit restarted "every third month" on the chosen day
    (9 July, after the last date) and the series had a new date on 24 July 2027."""
    series = quarterly_reading_circle(make_series)
    assert [d for d, _t, _s in days(series, *WHOLE_SPAN)] == QUARTERLY
    with freeze_time("2027-04-26 05:00:00+02:00"):
        edited = edit(
            series,
            start_time=dt.time(7, 15),
            end_time=dt.time(10, 15),
            location="Bücherei",
            changes_from=dt.date(2027, 7, 9),
        )
    assert days(edited, *WHOLE_SPAN) == [(d, dt.time(20, 15), "scheduled") for d in QUARTERLY]
    feed = feed_dates(edited, local(2026, 8, 1), local(2028, 7, 1))
    assert feed == [local(d.year, d.month, d.day, 20, 15) for d in QUARTERLY]


def test_a_rule_extended_after_such_an_edit_keeps_the_series_months(make_series):
    """The rule's end moved on later: the dates go on in August and November, the months of
    the series, not in July and October counted from the day of the first edit."""
    series = quarterly_reading_circle(make_series)
    with freeze_time("2027-04-26 05:00:00+02:00"):
        series = edit(series, location="Bücherei", changes_from=dt.date(2027, 7, 9))
    with freeze_time("2027-06-01 10:00:00+02:00"):
        edited = edit(
            series, recurrence=every_third_month_on_the_fourth_saturday(dt.date(2028, 6, 30))
        )
    assert [d for d, _t, _s in days(edited, *WHOLE_SPAN)] == QUARTERLY + [
        dt.date(2027, 8, 28),
        dt.date(2027, 11, 27),
        dt.date(2028, 2, 26),
        dt.date(2028, 5, 27),
    ]
