"""A plain weekly availability is answered from the weekday instead of walking the rule
from its first day; on every day of two years (two DST changes each) the answer is the
full rule's, for plain rules and for those the shortcut must leave alone."""

from __future__ import annotations

import datetime as dt

import pytest
import recurrence
from dateutil import rrule

from plugins.interpreters.availability import plain_weekdays, window_covers
from plugins.interpreters.models import Availability

from .conftest import BERLIN


def full_rule_says(window: Availability, day: dt.date) -> bool:
    dtstart = dt.datetime.combine(window.starts_on, dt.time.min)
    midnight = dt.datetime.combine(day, dt.time.min)
    rules = window.recurrence.to_dateutil_rruleset(dtstart=dtstart)
    return bool(rules.between(midnight, midnight, inc=True))


RULES = {
    "Tue and Thu": (recurrence.Rule(rrule.WEEKLY, byday=[1, 3]), True),
    "every day": (recurrence.Rule(rrule.WEEKLY, byday=list(range(7))), True),
    "dateutil's weekdays": (recurrence.Rule(rrule.WEEKLY, byday=[rrule.MO, rrule.SA]), True),
    "first Monday": (recurrence.Rule(rrule.WEEKLY, byday=[rrule.MO(1)]), False),
    "weekly, no day": (recurrence.Rule(rrule.WEEKLY), True),
    "every second week": (recurrence.Rule(rrule.WEEKLY, interval=2, byday=[0]), False),
    "until spring": (
        recurrence.Rule(rrule.WEEKLY, byday=[4], until=dt.datetime(2026, 4, 1)),
        False,
    ),
    "monthly": (recurrence.Rule(rrule.MONTHLY, bymonthday=[1]), False),
}


@pytest.mark.parametrize("name", list(RULES))
def test_shortcut_agrees_with_the_full_rule(name):
    rule, plain = RULES[name]
    window = Availability(
        starts_on=dt.date(2025, 10, 15),  # a Wednesday
        recurrence=recurrence.Recurrence(rrules=[rule]),
        start_time=dt.time(8),
        end_time=dt.time(18),
    )
    assert (plain_weekdays(window) is not None) is plain
    day = window.starts_on - dt.timedelta(days=3)
    while day < dt.date(2027, 11, 1):
        start = dt.datetime.combine(day, dt.time(9), tzinfo=BERLIN)
        expected = day >= window.starts_on and full_rule_says(window, day)
        assert window_covers(window, start, start + dt.timedelta(hours=1)) is expected, day
        day += dt.timedelta(days=1)


def test_an_exception_date_keeps_the_full_rule():
    window = Availability(
        starts_on=dt.date(2025, 10, 15),
        recurrence=recurrence.Recurrence(
            rrules=[recurrence.Rule(rrule.WEEKLY, byday=[1])],
            exdates=[dt.datetime(2025, 10, 21)],
        ),
        start_time=dt.time(8),
        end_time=dt.time(18),
    )
    assert plain_weekdays(window) is None
