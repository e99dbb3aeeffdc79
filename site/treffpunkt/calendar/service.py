"""The calendar's aggregation: what every contributor answers, in one sorted list."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from .entries import CalendarEntry, clean_filters
from .signals import calendar_entries
from .signals import calendar_page as calendar_page_signal

if TYPE_CHECKING:
    from wagtail.models import Site


def entries_between(
    site: Site, user, start: datetime, end: datetime, filters=None
) -> list[CalendarEntry]:
    """Everything on the site's calendar that overlaps [start, end), sorted by start."""
    filters = clean_filters(filters)
    entries = calendar_entries.collect(site, start=start, end=end, user=user, filters=filters)
    if "kind" in filters:  # receivers need not know the type filter: apply it here
        entries = [e for e in entries if e.kind == filters["kind"]]
    return sorted(entries, key=lambda e: (e.start, e.title))


def upcoming(site: Site, user, *, limit: int = 5, filters=None) -> list[CalendarEntry]:
    """The next ``limit`` entries (those not over yet), for blocks and dashboards."""
    now = timezone.now()
    entries = entries_between(site, user, now, now + timedelta(days=366), filters)
    return entries[:limit]


def calendar_page(site: Site | None):
    """The page showing the site's calendar, in the visitor's language, or None."""
    if site is None:
        return None
    for page in calendar_page_signal.collect(site):
        return page.localized
    return None
