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


def _key(site: Site, user, filters: dict, part: str) -> str:
    """The cache key of ``part`` for this site, language, visitor and filters."""
    viewer = user.pk if getattr(user, "is_authenticated", False) else "-"
    raw = repr((site.pk, get_language(), viewer, sorted(filters.items())))
    return f"treffpunkt:calendar:{part}:" + hashlib.sha256(raw.encode()).hexdigest()


def _seconds_for(entries: list[CalendarEntry]) -> float:
    """How long a list of entries stands: until the first of them is over (at most
    :data:`UPCOMING_SECONDS`); content changes renew it before."""
    now = timezone.now()
    return min([UPCOMING_SECONDS, *((entry.end - now).total_seconds() for entry in entries)])


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

    def compute() -> list[CalendarEntry]:
        now = timezone.now()
        return entries_between(site, user, now, now + timedelta(days=366), filters)

    return pagecache.keep(_key(site, user, filters, "ahead"), compute, _seconds_for)


def upcoming(site: Site, user, *, limit: int = 5, filters=None) -> list[CalendarEntry]:
    """The next ``limit`` entries (those not over yet) of the year :func:`ahead`.

    Kept on their own, as the year is, until content changes or the first of them is over:
    a page showing the next five dates then reads five entries from the cache, not the
    year's hundreds (with a weekly meeting or two, unpacking them cost a millisecond). An
    entry further down that ends sooner starts later too, so it lies within the span of
    those shown and never changes which come first."""
    from treffpunkt.core import pagecache

    filters = clean_filters(filters)
    return pagecache.keep(
        _key(site, user, filters, f"next{limit}"),
        lambda: ahead(site, user, filters)[:limit],
        _seconds_for,
    )


def folded(site: Site, user, *, limit: int | None = None, filters=None) -> list:
    """The lines of :func:`treffpunkt.core.agenda.fold_recurring` for the year :func:`ahead`
    (or its next ``limit`` entries, :func:`upcoming`): a weekly meeting as one line.

    Kept as the entries are, until content changes or the first of the entries folded is
    over (then the lines change: a date less, another next date); folding the year on every
    visit of the calendar cost a quarter of a millisecond."""
    from treffpunkt.core import pagecache
    from treffpunkt.core.agenda import fold_recurring

    filters = clean_filters(filters)
    seconds: list[float] = []

    def compute() -> list:
        entries = (
            ahead(site, user, filters)
            if limit is None
            else upcoming(site, user, limit=limit, filters=filters)
        )
        seconds.append(_seconds_for(entries))
        return fold_recurring(entries)

    part = "folded" if limit is None else f"folded{limit}"
    return pagecache.keep(_key(site, user, filters, part), compute, lambda _lines: seconds[0])


def calendar_page(site: Site | None):
    """The page showing the site's calendar, in the visitor's language, or None."""
    if site is None:
        return None
    for page in calendar_page_signal.collect(site):
        return page.localized
    return None
