"""The calendar's aggregation: what every contributor answers, in one sorted list."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import get_language

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


#: how long the year ahead is kept at most (content changes renew it at once)
UPCOMING_SECONDS = 300


def ahead(site: Site, user, filters=None) -> list[CalendarEntry]:
    """Every entry from now to a year ahead that is not over yet, sorted by start: the
    calendar's list, and the next dates of blocks, dashboards and home pages.

    Asking every contributor for a year of dates (event pages, recurring meetings expanded
    date by date) is the dearest part of these pages, and the answer is the same for every
    visitor until content changes or the first of the dates is over: it is kept per site,
    language, visitor (each member their own: what they may see differs) and filters
    (:func:`treffpunkt.core.pagecache.keep`), until the first date in it ends."""
    from treffpunkt.core import pagecache

    filters = clean_filters(filters)
    viewer = user.pk if getattr(user, "is_authenticated", False) else "-"
    raw = repr((site.pk, get_language(), viewer, sorted(filters.items())))
    key = "treffpunkt:calendar:ahead:" + hashlib.sha256(raw.encode()).hexdigest()

    def compute() -> list[CalendarEntry]:
        now = timezone.now()
        return entries_between(site, user, now, now + timedelta(days=366), filters)

    def seconds_for(entries: list[CalendarEntry]) -> float:
        now = timezone.now()
        return min([UPCOMING_SECONDS, *((entry.end - now).total_seconds() for entry in entries)])

    return pagecache.keep(key, compute, seconds_for)


def upcoming(site: Site, user, *, limit: int = 5, filters=None) -> list[CalendarEntry]:
    """The next ``limit`` entries (those not over yet), from the kept year :func:`ahead`."""
    return ahead(site, user, filters)[:limit]


def calendar_page(site: Site | None):
    """The page showing the site's calendar, in the visitor's language, or None."""
    if site is None:
        return None
    for page in calendar_page_signal.collect(site):
        return page.localized
    return None
