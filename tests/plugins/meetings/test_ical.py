"""iCalendar: RRULE/EXDATE/RECURRENCE-ID/SEQUENCE/VTIMEZONE, checked by an independent expander."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import recurring_ical_events
from django.db.models import F

from plugins.meetings import ical, schedule, services
from plugins.meetings.models import MeetingSeriesPage, Occurrence, OccurrenceStatus

from .conftest import second_tuesday, weekly

TZ = schedule.TZ
pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def feed_of(series_list) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ical.calendar(ical.components_for(series_list), "Test"))


def expanded(cal, start, end) -> list[tuple[str, dt.datetime, dt.datetime]]:
    events = recurring_ical_events.of(cal).between(start, end)
    return sorted((str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt) for e in events)


def ours(series_list, start, end) -> list[tuple[str, dt.datetime, dt.datetime]]:
    found = []
    for info in schedule.expand_many(series_list, start, end):
        if not info.cancelled:
            found.append((info.series.ical_uid(), info.start, info.end))
    return sorted(found)


def test_series_is_one_vevent_with_rrule_and_vtimezone(make_series):
    series = make_series(recurrence=second_tuesday())
    cal = feed_of([series])
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=2TU"
    assert event["DTSTART"].dt == local(2026, 1, 13, 17)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["UID"] == series.ical_uid()
    assert event["SEQUENCE"] == 0
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_exceptions_give_exdate_recurrence_id_and_raise_sequence(make_series, people):
    series = make_series(recurrence=second_tuesday(), first_date=dt.date(2027, 1, 1))
    host = people["manager"]
    services.cancel_date(series, "2027-02-09", host, "Feiertag")
    services.move_date(
        series,
        "2027-03-09",
        host,
        local(2027, 3, 10, 17),
        local(2027, 3, 10, 19),
        "Rathaus, Raum 3",
    )
    series.refresh_from_db()
    cal = feed_of([series])
    master, override = sorted(cal.walk("VEVENT"), key=lambda e: "RECURRENCE-ID" in e)
    assert [d.dt for d in master["EXDATE"].dts] == [local(2027, 2, 9, 17)]
    assert master["SEQUENCE"] == 1
    assert override["UID"] == master["UID"]
    assert override["RECURRENCE-ID"].dt == local(2027, 3, 9, 17)
    assert override["DTSTART"].dt == local(2027, 3, 10, 17)
    assert override["LOCATION"] == "Rathaus, Raum 3"
    assert override["SEQUENCE"] == 2  # the series' 1 plus the date's own change


def _year_with_everything(make_series, people, count=3):
    host = people["manager"]
    made = []
    for n in range(count):
        series = make_series(
            title=f"Reihe {n}",
            first_date=dt.date(2026, 12, 1),
            recurrence=weekly(2) if n % 3 == 0 else second_tuesday() if n % 3 == 1 else weekly(),
            start_time=dt.time(17 + n % 3),
            end_time=dt.time(19 + n % 3),
        )
        dates = schedule.expand(series, local(2027, 1, 1), local(2027, 12, 31))
        services.cancel_date(series, dates[1].key, host)
        services.move_date(
            series,
            dates[2].key,
            host,
            dates[2].start + dt.timedelta(days=1),
            dates[2].end + dt.timedelta(days=1, hours=1),
        )
        extra_day = dates[3].start + dt.timedelta(days=3)
        services.add_extra_date(series, host, extra_day, extra_day + dt.timedelta(hours=1))
        made.append(MeetingSeriesPage.objects.get(pk=series.pk))
    return made


def test_independent_expansion_equals_our_list_for_a_year(make_series, people):
    series_list = _year_with_everything(make_series, people)
    start, end = local(2026, 11, 1), local(2027, 12, 1)
    theirs = expanded(feed_of(series_list), start, end)
    mine = ours(series_list, start, end)
    assert len(mine) > 60
    assert theirs == mine


def test_history_segment_round_trips(make_series, people):
    from freezegun import freeze_time

    with freeze_time("2027-06-01 12:00:00+02:00"):
        series = make_series(recurrence=second_tuesday(), first_date=dt.date(2027, 1, 1))
        services.cancel_date(series, "2027-07-13", people["manager"])
        series.refresh_from_db()
        series.start_time, series.end_time = dt.time(18), dt.time(20)
        series.save_revision().publish()
        series.refresh_from_db()
    start, end = local(2027, 1, 1), local(2028, 1, 1)
    cal = feed_of([series])
    assert len(cal.walk("VEVENT")) == 2
    theirs = sorted((s, e) for _uid, s, e in expanded(cal, start, end))
    mine = sorted((s, e) for _uid, s, e in ours([series], start, end))
    assert theirs == mine
    assert local(2027, 5, 11, 17) in [s for s, _e in mine]
    assert local(2027, 6, 8, 18) in [s for s, _e in mine]
    assert all(s.date() != dt.date(2027, 7, 13) for s, _e in mine)


def test_feed_needs_constant_queries(make_series, django_assert_max_num_queries):
    few = [make_series(title=f"S{n}") for n in range(2)]
    with django_assert_max_num_queries(2):
        ical.components_for(few, domain="example.org")
    many = few + [make_series(title=f"T{n}") for n in range(10)]
    Occurrence.objects.create(
        series=many[-1], original_start=local(2027, 1, 12, 17), status=OccurrenceStatus.CANCELLED
    )
    MeetingSeriesPage.objects.filter(pk=many[-1].pk).update(sequence=F("sequence") + 1)
    with django_assert_max_num_queries(2):
        ical.components_for(many, domain="example.org")


def test_cached_feed_equals_the_built_one_and_follows_changes(make_series, people):
    series = make_series(recurrence=second_tuesday(), first_date=dt.date(2027, 1, 1))
    built = ical.calendar(ical.components_for([series]), "Test")
    cached_cold = ical.feed([series], "", "Test")
    cached_warm = ical.feed([series], "", "Test")
    assert cached_cold == cached_warm
    start, end = local(2027, 1, 1), local(2028, 1, 1)
    parsed = icalendar.Calendar.from_ical(cached_warm)
    assert expanded(parsed, start, end) == expanded(icalendar.Calendar.from_ical(built), start, end)
    assert len(parsed.walk("VTIMEZONE")) == 1
    services.cancel_date(series, "2027-02-09", people["manager"])
    series.refresh_from_db()
    after = icalendar.Calendar.from_ical(ical.feed([series], "", "Test"))
    assert local(2027, 2, 9, 17) not in [s for _u, s, _e in expanded(after, start, end)]
    assert after.walk("VEVENT")[0]["SEQUENCE"] == 1
