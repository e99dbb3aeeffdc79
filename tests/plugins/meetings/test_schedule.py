"""Recurrence: exact RRULE strings and expanded dates, across daylight saving changes."""

from __future__ import annotations

import datetime as dt

import pytest
import recurrence
from dateutil import rrule
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from plugins.meetings import schedule
from plugins.meetings.models import MeetingSeriesPage, SeriesHistory

from .conftest import second_tuesday, weekly

TZ = schedule.TZ
pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (recurrence.Rule(rrule.WEEKLY), "FREQ=WEEKLY"),
        (recurrence.Rule(rrule.WEEKLY, interval=2), "FREQ=WEEKLY;INTERVAL=2"),
        (recurrence.Rule(rrule.MONTHLY, byday=[rrule.TU(2)]), "FREQ=MONTHLY;BYDAY=2TU"),
        (
            recurrence.Rule(rrule.MONTHLY, bymonthday=[15], count=6),
            "FREQ=MONTHLY;COUNT=6;BYMONTHDAY=15",
        ),
        (
            recurrence.Rule(rrule.WEEKLY, byday=[rrule.TH], until=dt.datetime(2027, 3, 25)),
            # the last date's start, 18:00 in Berlin (winter time, UTC+1), in UTC
            "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325T170000Z",
        ),
    ],
)
def test_rrule_strings_are_exact(rule, expected):
    assert schedule.rrule_params(rule, dt.time(18)) == expected


def test_second_tuesday_stays_at_17_across_both_dst_changes(make_series):
    series = make_series(recurrence=second_tuesday())
    dates = schedule.expand(series, local(2026, 1, 1), local(2027, 1, 1), rows=[])
    assert [d.original_start for d in dates] == [
        local(2026, m, d, 17)
        for m, d in [
            (1, 13),
            (2, 10),
            (3, 10),
            (4, 14),
            (5, 12),
            (6, 9),
            (7, 14),
            (8, 11),
            (9, 8),
            (10, 13),
            (11, 10),
            (12, 8),
        ]
    ]
    # 17:00 local is 16:00 UTC in winter and 15:00 UTC in summer
    assert dates[2].start.astimezone(dt.UTC).hour == 16  # 10 March: before the change
    assert dates[3].start.astimezone(dt.UTC).hour == 15  # 14 April: summer time
    assert dates[10].start.astimezone(dt.UTC).hour == 16  # 10 November: winter again
    assert all(d.end - d.start == dt.timedelta(hours=2) for d in dates)


def test_weekly_over_the_night_of_the_change(make_series):
    # 29 March 2026 is the night of the spring change; a Sunday series keeps its wall time
    series = make_series(
        title="Sonntagstreff",
        first_date=dt.date(2026, 3, 22),
        start_time=dt.time(10),
        end_time=dt.time(11),
        recurrence=weekly(count=3),
    )
    dates = schedule.expand(series, local(2026, 3, 1), local(2026, 5, 1), rows=[])
    assert [d.start for d in dates] == [
        local(2026, 3, 22, 10),
        local(2026, 3, 29, 10),
        local(2026, 4, 5, 10),
    ]
    assert [d.start.utcoffset() for d in dates] == [
        dt.timedelta(hours=1),
        dt.timedelta(hours=2),
        dt.timedelta(hours=2),
    ]


def test_every_two_weeks_with_end_date(make_series):
    series = make_series(
        title="AG",
        first_date=dt.date(2026, 10, 6),
        recurrence=weekly(2, until=dt.datetime(2026, 11, 17)),
    )
    dates = schedule.expand(series, local(2026, 1, 1), local(2027, 1, 1), rows=[])
    assert [d.start.date() for d in dates] == [
        dt.date(2026, 10, 6),
        dt.date(2026, 10, 20),
        dt.date(2026, 11, 3),
        dt.date(2026, 11, 17),
    ]


def test_monthly_by_date_with_count(make_series):
    series = make_series(
        title="Monatlich",
        first_date=dt.date(2026, 12, 1),
        recurrence=recurrence.Recurrence(
            rrules=[recurrence.Rule(rrule.MONTHLY, bymonthday=[15], count=3)]
        ),
    )
    dates = schedule.expand(series, local(2026, 1, 1), local(2028, 1, 1), rows=[])
    assert [d.start.date() for d in dates] == [
        dt.date(2026, 12, 15),
        dt.date(2027, 1, 15),
        dt.date(2027, 2, 15),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_time": dt.time(16)}, "end_time", "end after it starts"),
        (
            {
                "recurrence": recurrence.Recurrence(
                    rrules=[recurrence.Rule(rrule.MONTHLY, bymonthday=[31], bymonth=[2])]
                )
            },
            "recurrence",
            "produces no dates",
        ),
        (
            {"recurrence": weekly(until=dt.datetime(2025, 1, 1))},
            "recurrence",
            "ends before the first date",
        ),
        ({"recurrence": recurrence.Recurrence()}, "recurrence", "how often"),
        (
            {"recurrence": recurrence.Recurrence(rrules=[recurrence.Rule(rrule.DAILY)])},
            "recurrence",
            "weekly",
        ),
        ({"visibility": "group"}, "working_group", "working group"),
    ],
)
def test_impossible_series_is_refused_with_a_message(
    meeting_index, english, fields, field, message
):
    values = {
        "title": "Falsch",
        "slug": "falsch",
        "first_date": dt.date(2026, 1, 1),
        "start_time": dt.time(17),
        "end_time": dt.time(19),
        "recurrence": weekly(),
    }
    values.update(fields)
    page = MeetingSeriesPage(**values)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not MeetingSeriesPage.objects.filter(slug="falsch").exists()


def test_editing_the_rule_keeps_past_dates(make_series):
    with freeze_time("2026-06-01 12:00:00+02:00"):
        _edit_rule(make_series)


def _edit_rule(make_series):
    series = make_series(recurrence=second_tuesday())
    series.start_time, series.end_time = dt.time(18), dt.time(20)
    series.recurrence = recurrence.Recurrence(
        rrules=[recurrence.Rule(rrule.MONTHLY, byday=[rrule.WE(2)])]
    )
    series.save_revision().publish()
    series.refresh_from_db()
    # the edit applies from the next date (9 June); the new rule's first date from then on
    assert series.valid_from == dt.date(2026, 6, 10)
    assert series.sequence == 1
    history = SeriesHistory.objects.get(series=series)
    assert history.until == dt.date(2026, 6, 8)
    dates = schedule.expand(series, local(2026, 1, 1), local(2026, 9, 1))
    assert [(d.start.date(), d.local_start.hour) for d in dates] == [
        (dt.date(2026, 1, 13), 17),
        (dt.date(2026, 2, 10), 17),
        (dt.date(2026, 3, 10), 17),
        (dt.date(2026, 4, 14), 17),
        (dt.date(2026, 5, 12), 17),
        (dt.date(2026, 6, 10), 18),
        (dt.date(2026, 7, 8), 18),
        (dt.date(2026, 8, 12), 18),
    ]


def test_a_title_edit_does_not_split_the_series(make_series):
    with freeze_time("2026-06-01 12:00:00+02:00"):
        series = make_series()
        series.title = "Netzwerktreffen Integration"
        series.save_revision().publish()
    series.refresh_from_db()
    assert series.valid_from is None and series.sequence == 0
    assert not SeriesHistory.objects.exists()
