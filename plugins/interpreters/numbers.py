"""Numbers for the network: requests per language and topic, share matched, median time
to match, hours per month (the committee report and the coordinators' panel)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Assignment, Request


@dataclass
class Numbers:
    requests: int = 0
    matched: int = 0
    median_minutes_to_match: float | None = None
    by_language: Counter = field(default_factory=Counter)
    matched_by_language: Counter = field(default_factory=Counter)
    by_topic: Counter = field(default_factory=Counter)
    hours_by_month: list[tuple[dt.date, float]] = field(default_factory=list)

    @property
    def share_matched(self) -> float:
        return self.matched / self.requests if self.requests else 0.0


def period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware bounds of the days ``start`` to ``end`` (both included), on the town's clock."""
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), zone),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), zone),
    )


def numbers(site, start: dt.date, end: dt.date) -> Numbers:
    """Requests whose appointment lies in the period (cancelled ones left out)."""
    low, high = period(start, end)
    requests = Request.objects.filter(site=site, starts_at__gte=low, starts_at__lt=high).exclude(
        status=Request.Status.CANCELLED
    )
    result = Numbers()
    waits = []
    for language, topic, created, assigned in requests.values_list(
        "language", "topic", "created_at", "assigned_at"
    ):
        result.requests += 1
        result.by_language[language] += 1
        result.by_topic[topic] += 1
        if assigned is not None:
            result.matched += 1
            result.matched_by_language[language] += 1
            waits.append((assigned - created).total_seconds() / 60)
    if waits:
        result.median_minutes_to_match = statistics.median(waits)
    months = (
        Assignment.objects.filter(
            request__site=site,
            starts_at__gte=low,
            starts_at__lt=high,
            confirmed_minutes__isnull=False,
        )
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(minutes=Sum("confirmed_minutes"))
        .order_by("month")
    )
    result.hours_by_month = [
        (
            timezone.localtime(row["month"], timezone.get_default_timezone()).date()
            if isinstance(row["month"], dt.datetime)
            else row["month"],
            row["minutes"] / 60,
        )
        for row in months
    ]
    return result
