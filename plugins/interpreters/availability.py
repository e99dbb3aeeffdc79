"""When a mediator can interpret: recurring windows minus absences minus other assignments.

All comparisons of windows are made in the town's local time (``TIME_ZONE``,
Europe/Berlin): a window "Sundays 8:00-12:00" means 8 o'clock on the wall clock in summer
and in winter. The request's end is its start plus its duration in real time, then read on
the wall clock, so an appointment across a clock change ends when it really ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil import rrule
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from .models import Availability, Mode


def local_span(starts_at: dt.datetime, minutes: int) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of an appointment on the town's wall clock."""
    # aware arithmetic in a zone with DST adds wall-clock time: add in UTC
    real_end = starts_at.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
    return timezone.localtime(starts_at), timezone.localtime(real_end)


def window_covers(window: Availability, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether one recurring window holds the local span ``start``–``end`` (same day)."""
    day = start.date()
    if end.date() != day and not (
        end.date() == day + dt.timedelta(days=1) and end.time() == dt.time.min
    ):
        return False
    if day < window.starts_on:
        return False
    end_time = dt.time.max if end.date() != day else end.time()
    if not (window.start_time <= start.time() and end_time <= window.end_time):
        return False
    weekly = plain_weekdays(window)
    if weekly is not None and day != window.starts_on:
        return day.weekday() in weekly
    dtstart = dt.datetime.combine(window.starts_on, dt.time.min)
    midnight = dt.datetime.combine(day, dt.time.min)
    rules = window.recurrence.to_dateutil_rruleset(dtstart=dtstart)
    return bool(rules.between(midnight, midnight, inc=True))


def window_time_q(start: dt.datetime, end: dt.datetime) -> Q:
    """A filter on availability windows: the clock-time part of :func:`window_covers` (the
    window has begun and its hours hold the span), so that only those windows' day rules
    need to be read. Spans :func:`window_covers` refuses anyway are not narrowed."""
    day = start.date()
    if end.date() != day and not (
        end.date() == day + dt.timedelta(days=1) and end.time() == dt.time.min
    ):
        return Q()
    end_time = dt.time.max if end.date() != day else end.time()
    return Q(starts_on__lte=day, start_time__lte=start.time(), end_time__gte=end_time)


def plain_weekdays(window: Availability) -> frozenset[int] | None:
    """The weekdays of a plain "every week on these days" rule (no interval, end, count or
    exceptions), else None. Expanding such a rule from its first day costs a walk through
    every week since; the weekday answers the same (the first day itself is left to the
    full rule, which counts it in)."""
    rule_set = window.recurrence
    if rule_set is None or rule_set.exrules or rule_set.rdates or rule_set.exdates:
        return None
    if len(rule_set.rrules) != 1:
        return None
    rule = rule_set.rrules[0]
    if rule.freq != rrule.WEEKLY or rule.interval != 1 or rule.count or rule.until:
        return None
    if any(
        getattr(rule, name)
        for name in ("bysetpos", "bymonth", "bymonthday", "byyearday", "byweekno", "byhour")
    ):
        return None
    days = set()
    for weekday in rule.byday:
        if isinstance(weekday, int):
            days.add(weekday)
        elif hasattr(weekday, "number") and weekday.index is None:  # recurrence's Weekday
            days.add(weekday.number)
        elif hasattr(weekday, "weekday") and weekday.n is None:  # dateutil's weekday
            days.add(weekday.weekday)
        else:
            return None
    return frozenset(days) if days else frozenset({window.starts_on.weekday()})


def is_available(windows: Iterable[Availability], starts_at: dt.datetime, minutes: int) -> bool:
    start, end = local_span(starts_at, minutes)
    return any(window_covers(window, start, end) for window in windows)


def travel_buffer() -> dt.timedelta:
    minutes = apps.get_app_config("interpreters").setting("TRAVEL_BUFFER_MINUTES")
    return dt.timedelta(minutes=int(minutes))


def conflict_q(starts_at: dt.datetime, ends_at: dt.datetime, mode: str, prefix: str = "") -> Q:
    """A filter on assignments that clash with an appointment: overlapping it, or closer
    than the travel buffer when either of the two is on site."""
    buffer = travel_buffer()

    def overlaps(pad: dt.timedelta) -> Q:
        return Q(
            **{f"{prefix}starts_at__lt": ends_at + pad, f"{prefix}ends_at__gt": starts_at - pad}
        )

    clash = overlaps(dt.timedelta(0))
    if buffer:
        if mode == Mode.ON_SITE:
            clash |= overlaps(buffer)
        else:
            clash |= overlaps(buffer) & Q(**{f"{prefix}request__mode": Mode.ON_SITE})
    return clash


def absence_q(starts_at: dt.datetime, ends_at: dt.datetime, prefix: str = "") -> Q:
    """A filter on absences that touch the appointment's local days."""
    first = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at).date()
    return Q(**{f"{prefix}first_day__lte": last, f"{prefix}last_day__gte": first})
