"""Property-based tests of series edits (Hypothesis): random rules × edits × exceptions.

For every rule (daily, weekly, monthly; interval; BYDAY, BYMONTHDAY, BYSETPOS; COUNT,
UNTIL or open; dates across daylight saving changes), random exceptions (cancelled, moved,
other place, extra dates) and a random edit of time, duration and place (sometimes of the
rule), made on a random day and applying from a random chosen day:

- dates that have begun before the edit never change;
- an edit that keeps the rule keeps every date's day (weekday, day of the month, the
  fortnight) and a counted series its total, and every exception stays with its date;
- the site's dates equal what recurring-ical-events expands from the feed;
- every EXDATE and RECURRENCE-ID of the feed is a date of its VEVENT's rule.

The number of examples is kept small for CI (HYPOTHESIS_EXAMPLES raises it).
"""

from __future__ import annotations

import datetime as dt
import os

import icalendar
import pytest
import recurrence
import recurring_ical_events
from dateutil import rrule as du
from django.db import transaction
from freezegun import freeze_time
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from plugins.meetings import ical, schedule
from plugins.meetings.models import (
    MeetingIndexPage,
    MeetingSeriesPage,
    Occurrence,
    OccurrenceStatus,
    Visibility,
)

TZ = schedule.TZ
pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "20"))
WINDOW_START = dt.datetime(2025, 12, 1, tzinfo=TZ)
WINDOW_END = dt.datetime(2031, 1, 1, tzinfo=TZ)


class _Rollback(Exception):
    """Ends an example's transaction: each example starts from the same database."""


@st.composite
def rules(draw):
    freq = draw(st.sampled_from([du.DAILY, du.WEEKLY, du.MONTHLY]))
    kwargs = {"interval": draw(st.integers(1, 3))}
    if freq == du.WEEKLY:
        weekdays = draw(st.lists(st.integers(0, 6), max_size=3, unique=True))
        if weekdays:
            kwargs["byday"] = [recurrence.Weekday(d) for d in sorted(weekdays)]
    elif freq == du.MONTHLY:
        kind = draw(st.sampled_from(["monthday", "nth", "setpos", "anchored"]))
        if kind == "monthday":
            kwargs["bymonthday"] = [draw(st.integers(1, 28))]
        elif kind == "nth":
            kwargs["byday"] = [
                recurrence.Weekday(draw(st.integers(0, 6)), draw(st.sampled_from([1, 2, 4, -1])))
            ]
        elif kind == "setpos":  # "the last (first, second) working day of the month"
            kwargs["byday"] = [recurrence.Weekday(d) for d in range(5)]
            kwargs["bysetpos"] = [draw(st.sampled_from([1, 2, -1]))]
    end = draw(st.sampled_from(["open", "count", "until"]))
    if end == "count":
        kwargs["count"] = draw(st.integers(1, 12))
    elif end == "until":
        kwargs["until"] = draw(st.integers(20, 500))  # days after the first date
    return freq, kwargs


def make_rule(freq, kwargs, first_date) -> recurrence.Recurrence:
    kwargs = dict(kwargs)
    if "until" in kwargs:
        kwargs["until"] = dt.datetime.combine(
            first_date + dt.timedelta(days=kwargs["until"]), dt.time()
        )
    return recurrence.Recurrence(rrules=[recurrence.Rule(freq, **kwargs)])


times = st.tuples(st.integers(7, 20), st.sampled_from([0, 15, 30, 45]), st.integers(1, 6))


def start_end(value) -> tuple[dt.time, dt.time]:
    hour, minute, quarters = value
    start = dt.datetime.combine(dt.date(2000, 1, 3), dt.time(hour, minute))
    return start.time(), (start + dt.timedelta(minutes=30 * quarters)).time()


scenarios = st.fixed_dictionaries(
    {
        "rule": rules(),
        "first_day": st.integers(0, 420),  # from 1 January 2026: both DST changes, two years
        "times": times,
        "exceptions": st.lists(
            st.tuples(st.integers(0, 15), st.sampled_from(["cancel", "move", "place", "extra"])),
            max_size=4,
        ),
        "edit_after": st.integers(0, 400),  # days after the first date
        "edit_hour": st.integers(0, 23),
        "new_times": times,
        "new_place": st.sampled_from(["", "Rathaus, Raum 2", "Bücherei"]),
        "chosen": st.one_of(st.none(), st.integers(-30, 90)),  # days after the edit day
        "new_rule": st.one_of(st.none(), rules()),
    }
)


def snapshot(series) -> list[tuple]:
    series = MeetingSeriesPage.objects.get(pk=series.pk)
    return [
        (d.original_start, d.start, d.end, d.location, d.status, d.is_extra)
        for d in schedule.expand(series, WINDOW_START, WINDOW_END)
    ]


def feed_of(series) -> icalendar.Calendar:
    series = MeetingSeriesPage.objects.get(pk=series.pk)
    body = ical.calendar(ical.components_for([series], domain="test.example"), "Property")
    return icalendar.Calendar.from_ical(body)


def check_feed_matches_site(series) -> None:
    cal = feed_of(series)
    feed = sorted(
        (e["DTSTART"].dt, e["DTEND"].dt)
        for e in recurring_ical_events.of(cal).between(WINDOW_START, WINDOW_END)
    )
    site = sorted((s, e) for _o, s, e, _l, status, _x in snapshot(series) if status != "cancelled")
    assert feed == site
    check_exceptions_name_dates(cal)


def check_exceptions_name_dates(cal) -> None:
    """Every EXDATE and RECURRENCE-ID is a date of the rule of its VEVENT (UID)."""
    dates_of: dict[str, set] = {}
    for event in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            continue
        start = event["DTSTART"].dt
        found = {start}
        if "RRULE" in event:
            rule = du.rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            found |= set(rule.between(start, WINDOW_END + dt.timedelta(days=3650), inc=True))
        for rdate in (
            event.get("RDATE", [])
            if isinstance(event.get("RDATE"), list)
            else ([event["RDATE"]] if "RDATE" in event else [])
        ):
            found |= {d.dt for d in rdate.dts}
        for exdate in (
            event.get("EXDATE", [])
            if isinstance(event.get("EXDATE"), list)
            else ([event["EXDATE"]] if "EXDATE" in event else [])
        ):
            for value in exdate.dts:
                assert value.dt in found, f"EXDATE {value.dt} is no date of {event['UID']}"
        dates_of[str(event["UID"])] = found
    for event in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            value = event["RECURRENCE-ID"].dt
            assert value in dates_of[str(event["UID"])], f"RECURRENCE-ID {value} matches no date"


def add_exceptions(series, exceptions) -> dict:
    every = schedule.expand(series, WINDOW_START, WINDOW_END)
    planned = every[:16]
    taken = {d.local_start.date() for d in every}
    made = {}
    used = set()
    for index, kind in exceptions:
        if index >= len(planned) or index in used:
            continue
        used.add(index)
        date = planned[index]
        if kind == "cancel":
            Occurrence.objects.create(
                series=series, original_start=date.original_start, status="cancelled", note="x"
            )
        elif kind == "move":
            Occurrence.objects.create(
                series=series,
                original_start=date.original_start,
                status=OccurrenceStatus.MOVED,
                start=date.start + dt.timedelta(hours=1),
                end=date.end + dt.timedelta(hours=1),
            )
        elif kind == "place":
            Occurrence.objects.create(
                series=series, original_start=date.original_start, location="Anderswo"
            )
        else:  # an extra date at 7:00 on a day of the series' first weeks with no date
            day = date.local_start.date() + dt.timedelta(days=1)
            while day in taken:
                day += dt.timedelta(days=1)
            taken.add(day)
            start = dt.datetime.combine(day, dt.time(7), tzinfo=TZ)
            Occurrence.objects.create(
                series=series,
                original_start=start,
                is_extra=True,
                start=start,
                end=start + dt.timedelta(minutes=45),
            )
            continue
        made[date.original_start.astimezone(TZ).date()] = kind
    return made


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # shrinking a failure costs minutes here: on request only (the failing example is shown)
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([Phase.shrink] if os.environ.get("HYPOTHESIS_SHRINK") else []),
    print_blob=True,
)
@given(scenario=scenarios)
def test_edits_never_change_the_past_and_feeds_match_the_site(meeting_index, scenario):
    try:
        with transaction.atomic():
            run(meeting_index, scenario)
            raise _Rollback
    except _Rollback:
        pass


def run(meeting_index, s) -> None:
    freq, kwargs = s["rule"]
    first_date = dt.date(2026, 1, 1) + dt.timedelta(days=s["first_day"])
    start_time, end_time = start_end(s["times"])
    index = MeetingIndexPage.objects.get(pk=meeting_index.pk)
    with freeze_time(dt.datetime.combine(first_date - dt.timedelta(days=1), dt.time(12))):
        series = MeetingSeriesPage(
            title="Reihe",
            slug="reihe",
            first_date=first_date,
            start_time=start_time,
            end_time=end_time,
            recurrence=make_rule(du.WEEKLY, {}, first_date),
            location="Rathaus",
            visibility=Visibility.PUBLIC,
        )
        index.add_child(instance=series)
        # The editor's checks refuse daily rules and rules without dates: the schedule
        # code is tested with them anyway (anchored as a save anchors them).
        series.recurrence = make_rule(freq, kwargs, first_date)
        schedule.anchor_rule(series)
        MeetingSeriesPage.objects.filter(pk=series.pk).update(recurrence=series.recurrence)
        series = MeetingSeriesPage.objects.get(pk=series.pk)
        made = add_exceptions(series, s["exceptions"])
        check_feed_matches_site(series)
    before = snapshot(series)
    total = len([d for d in before if not d[5]])

    edit_moment = dt.datetime.combine(
        first_date + dt.timedelta(days=s["edit_after"]), dt.time(s["edit_hour"]), tzinfo=TZ
    )
    with freeze_time(edit_moment):
        series = MeetingSeriesPage.objects.get(pk=series.pk)
        series.start_time, series.end_time = start_end(s["new_times"])
        series.location = s["new_place"] or series.location
        if s["chosen"] is not None:
            series.changes_from = edit_moment.date() + dt.timedelta(days=s["chosen"])
        if s["new_rule"] is not None:
            new_freq, new_kwargs = s["new_rule"]
            series.recurrence = make_rule(new_freq, new_kwargs, first_date)
        series.save(clean=False)
        after = snapshot(series)

        # 1. what has begun before the edit never changes, nor any day before the edit's
        begun = [d for d in before if d[1] <= edit_moment]
        assert all(d in after for d in begun)
        midnight = edit_moment.replace(hour=0)
        assert [d for d in after if d[1] < midnight] == [d for d in before if d[1] < midnight]

        # 2. the site's dates are the feed's, and the feed's exceptions name real dates
        check_feed_matches_site(series)

    if s["new_rule"] is None:
        # 3. the pattern never drifts: the same days, the same total, exceptions kept
        def day_of(d):
            return d[0].astimezone(TZ).date()

        assert [day_of(d) for d in after if not d[5]] == [day_of(d) for d in before if not d[5]]
        if kwargs.get("count"):
            assert len([d for d in after if not d[5]]) == total == kwargs["count"]
        status = {day_of(d): d[4] for d in after}
        for day, kind in made.items():
            expected = {"cancel": "cancelled", "move": "moved", "place": "scheduled"}[kind]
            assert status[day] == expected
        assert schedule.orphaned_rows(MeetingSeriesPage.objects.get(pk=series.pk)) == []
