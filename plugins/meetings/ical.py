"""A series as iCalendar: one VEVENT with RRULE/EXDATE/RDATE per rule segment, plus one
VEVENT per changed date with the same UID and a RECURRENCE-ID (RFC 5545, section 3.8.4.4).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Sequence
from urllib.parse import urlsplit

import icalendar
from django.core.cache import cache
from django.db.models import Count, Max, Sum

from treffpunkt.calendar.feeds import (
    calendar_header,
    description_text,
    timezone_blocks,
    to_bytes,
)
from treffpunkt.links import join_root

from . import schedule
from .models import Occurrence, OccurrenceStatus, SeriesHistory

PRODID = "-//Treffpunkt//Meetings//DE"


def segment_uid(series, segment: schedule.Segment) -> str:
    """The series' UID for its current rule; an earlier rule's own UUID, same domain."""
    if not segment.uid:
        return series.ical_uid()
    return f"{segment.uid}@{series.ical_domain()}"


#: DTSTAMP of a series never published (a constant, never the time of the request)
NEVER_PUBLISHED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _changed(series, rows: Sequence[Occurrence] = ()) -> dt.datetime:
    """When an entry last changed: the series' last publication, or a later change of one
    of its dates (``rows``: the dates the entry names)."""
    times = [series.last_published_at or NEVER_PUBLISHED]
    times += [r.changed_at for r in rows if r.changed_at]
    return max(times)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _base_event(
    series,
    segment: schedule.Segment,
    url: str,
    online: bool = False,
    rows: Sequence[Occurrence] = (),
    shown=None,
) -> icalendar.Event:
    """``shown``: the page whose title and description the entry shows (a translation of
    the series in the feed's language; default: the series)."""
    shown = shown or series
    event = icalendar.Event()
    event.add("uid", segment_uid(series, segment))
    event.add("summary", shown.title)
    # DTSTAMP and LAST-MODIFIED: when this entry last changed (stable between changes, so a
    # feed is byte-for-byte the same and answers conditional requests with 304)
    stamp = _changed(series, rows)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    if url:
        event.add("url", url)
    # The online link (often with its passcode) only for people who take part: ``online``
    location = segment.location or (series.online_url if online else "")
    if location:
        event.add("location", location)
    if shown.description:
        event.add("description", description_text(shown.description, _origin(url)))
    return event


def series_components(
    series,
    rows: Sequence[Occurrence],
    history: Sequence[SeriesHistory],
    base_url: str = "",
    online: bool = False,
    shown=None,
) -> list[icalendar.Event]:
    """``online``: whether the feed's reader may have the series' online link; ``shown``:
    the series' translation in the feed's language (its title, description and page),
    while dates, exceptions and UIDs are always the series' own."""
    components: list[icalendar.Event] = []
    page = shown or series
    # page.url is already absolute on a multi-site install: joined once, never doubled
    url = join_root(base_url, page.url) if base_url and page.url_path else ""
    segs = schedule.segments(series, history)
    for segment in segs:
        starts = set(segment.all_starts())
        # EXDATE and RECURRENCE-ID name dates of this VEVENT's rule, nothing else; a row
        # whose date the rule no longer has is shown to the hosts (schedule.orphaned_rows)
        planned_rows = [r for r in rows if not r.is_extra and r.original_start in starts]
        # extra dates belong to the current rule's VEVENT, whatever day they fall on
        extras = (
            sorted(
                (r for r in rows if r.is_extra and r.status != OccurrenceStatus.CANCELLED),
                key=lambda r: r.original_start,
            )
            if segment.is_current
            else []
        )
        first = min(starts) if starts else None
        if first is None and not extras:
            continue
        # the master names its cancelled dates (EXDATE) and extra dates (RDATE)
        named = [r for r in planned_rows if r.status == OccurrenceStatus.CANCELLED] + extras
        master = _base_event(series, segment, url, online, named, shown)
        if first is None:
            # the rule has no dates left, only extra dates: no RRULE, the first is DTSTART
            first = extras[0].original_start.astimezone(schedule.TZ)
            rdates = extras[1:]
        else:
            master.add("rrule", icalendar.vRecur.from_ical(segment.rrule_text()))
            rdates = extras
        master.add("dtstart", first)
        master.add("dtend", schedule.end_of(first, segment))
        master.add("sequence", series.sequence)
        cancelled = [
            r.original_start.astimezone(schedule.TZ)
            for r in planned_rows
            if r.status == OccurrenceStatus.CANCELLED
        ]
        if cancelled:
            master.add("exdate", cancelled)
        if rdates:
            master.add("rdate", [r.original_start.astimezone(schedule.TZ) for r in rdates])
        components.append(master)
        for row in [*planned_rows, *extras]:
            if row.status == OccurrenceStatus.CANCELLED:
                continue
            if not (row.is_extra or row.status == OccurrenceStatus.MOVED or row.location):
                continue
            own = segment
            if row.is_extra:  # an extra date has the place of the rule on its day
                own = schedule.segment_at(segs, row.original_start.astimezone(schedule.TZ).date())
            components.append(_override(series, segment, row, url, own or segment, online, shown))
    return components


def _override(
    series,
    segment: schedule.Segment,
    row: Occurrence,
    url: str,
    own: schedule.Segment,
    online: bool = False,
    shown=None,
) -> icalendar.Event:
    """The VEVENT of one changed date: same UID, RECURRENCE-ID = the planned start; ``own``
    is the segment whose place applies on its day."""
    override = _base_event(series, own, url, online, [row], shown)
    override.pop("UID", None)
    override.add("uid", segment_uid(series, segment))
    override.add("recurrence-id", row.original_start.astimezone(schedule.TZ))
    start = (row.start or row.original_start).astimezone(schedule.TZ)
    end = row.end.astimezone(schedule.TZ) if row.end else schedule.end_of(start, segment)
    override.add("dtstart", start)
    override.add("dtend", end)
    if row.location:
        override.pop("LOCATION", None)
        override.add("location", row.location)
    override.add("sequence", series.sequence + row.sequence)
    return override


def _rows_and_history(
    series_list: Sequence, base_url: str = "", domain: str | None = None
) -> tuple[dict, dict]:
    domain = domain or urlsplit(base_url).hostname
    if domain:  # the UIDs' domain: the site's, known to the caller (no query per series)
        for series in series_list:
            series._ical_domain = domain  # noqa: SLF001
    ids = [s.pk for s in series_list]
    rows: dict[int, list] = defaultdict(list)
    for row in Occurrence.objects.filter(series_id__in=ids).only(
        "id",
        "series_id",
        "original_start",
        "is_extra",
        "status",
        "start",
        "end",
        "location",
        "sequence",
        "changed_at",
    ):
        rows[row.series_id].append(row)
    history: dict[int, list] = defaultdict(list)
    for h in SeriesHistory.objects.filter(series_id__in=ids):
        history[h.series_id].append(h)
    return rows, history


def components_for(
    series_list: Sequence,
    base_url: str = "",
    online_ids: Collection[int] = (),
    domain: str | None = None,
    language: str | None = None,
) -> list[icalendar.Event]:
    """Components of many series with two queries in all (three with a ``language``); the
    online link only for the series in ``online_ids`` (those the reader takes part in); in
    ``language``, the title, description and page of each series' live translation into it
    where there is one."""
    rows, history = _rows_and_history(series_list, base_url, domain)
    shown = translations(series_list, language) if language else {}
    found: list[icalendar.Event] = []
    for s in series_list:
        found.extend(
            series_components(
                s, rows[s.pk], history[s.pk], base_url, s.pk in online_ids, shown.get(s.pk)
            )
        )
    return found


def translations(series_list: Sequence, language: str) -> dict:
    """series pk -> its live translation into ``language`` (one query; none for a series
    already in that language or not translated)."""
    from .models import MeetingSeriesPage

    by_key = {s.translation_key: s.pk for s in series_list}
    pages = (
        MeetingSeriesPage.objects.live()
        .filter(translation_key__in=list(by_key), locale__language_code=language)
        .select_related("locale")
    )
    return {by_key[p.translation_key]: p for p in pages if p.pk not in by_key.values()}


def _version(
    series, rows: Sequence[Occurrence], history: Sequence[SeriesHistory], base_url: str
) -> str:
    """Changes whenever anything in a series' VEVENTs could change."""
    parts = [
        base_url,
        series.title,
        series.url_path,
        series.sequence,
        series.valid_from,
        series.count_held,
        series.last_published_at,
        series.latest_revision_id,
        [(h.pk, h.until) for h in history],
        sorted(
            (
                r.pk,
                r.original_start,
                r.status,
                r.start,
                r.end,
                r.location,
                r.sequence,
                r.is_extra,
                r.changed_at,
            )
            for r in rows
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def feed_version(series, taking_part=None) -> tuple:
    """A fingerprint of everything the VEVENTs of ``series`` (a queryset) are made of, apart
    from page publications and moves (the calendar's common version has those), in three
    aggregate queries: which series, their sequence and splits, their dates' exceptions and
    earlier rules; with ``taking_part`` (a person's feed), which series carry the online link.
    """
    ids = series.order_by().values("pk")
    found = series.order_by().aggregate(
        series=Count("pk"),
        series_ids=Sum("pk"),
        published=Max("last_published_at"),
        sequences=Sum("sequence"),
        held=Sum("count_held"),
        split=Max("valid_from"),
        revision=Max("latest_revision_id"),
    )
    rows = (
        Occurrence.objects.filter(series__in=ids)
        .order_by()
        .aggregate(
            dates=Count("pk"),
            last_date=Max("pk"),
            dates_changed=Max("changed_at"),
            date_sequences=Sum("sequence"),
        )
    )
    history = (
        SeriesHistory.objects.filter(series__in=ids)
        .order_by()
        .aggregate(rules=Count("pk"), last_rule=Max("pk"))
    )
    online = (
        taking_part.order_by().aggregate(online=Count("pk"), online_ids=Sum("pk"))
        if taking_part is not None
        else {}
    )
    return tuple(sorted({**found, **rows, **history, **online}.items()))


def feed(
    series_list: Sequence, base_url: str, name: str, online_ids: Collection[int] = ()
) -> bytes:
    """A whole calendar of series; each series' VEVENTs are cached by a version key, so a
    warm feed only checks its rows (two queries) and joins cached text. The online link
    only for the series in ``online_ids`` (a separate cache entry, never shared)."""
    rows, history = _rows_and_history(series_list, base_url)
    keys = {
        s.pk: f"meetings:ics:{s.pk}:{int(s.pk in online_ids)}:"
        f"{_version(s, rows[s.pk], history[s.pk], base_url)}"
        for s in series_list
    }
    cached = cache.get_many(list(keys.values()))
    missing = {}
    blocks = []
    for series in series_list:
        block = cached.get(keys[series.pk])
        if block is None:
            comps = series_components(
                series, rows[series.pk], history[series.pk], base_url, series.pk in online_ids
            )
            block = b"".join(c.to_ical() for c in comps)
            missing[keys[series.pk]] = block
        blocks.append(block)
    if missing:
        cache.set_many(missing, timeout=24 * 3600)
    head = _header(name)
    return head + _vtimezone(series_list) + b"".join(blocks) + b"END:VCALENDAR\r\n"


def _header(name: str) -> bytes:
    return calendar_header(name).to_ical().removesuffix(b"END:VCALENDAR\r\n")


def _vtimezone(series_list: Sequence = ()) -> bytes:
    """The VTIMEZONE of Europe/Berlin for the years the series span (and every later one)."""
    first = min((s.first_date.year for s in series_list), default=dt.date.today().year)
    return timezone_blocks({"Europe/Berlin"}, first, dt.date.today().year + 1)


def date_uid(series, key: str) -> str:
    """The UID of one date as a file of its own (not the series' UID: a calendar that gets
    only this file has no series to attach a RECURRENCE-ID to)."""
    source = series.schedule_source()
    return f"{source.ical_uuid}-{key}@{series.ical_domain()}"


def date_component(
    series, info: schedule.DateInfo, url: str = "", online: bool = False
) -> icalendar.Event:
    """One date of a series as a VEVENT of its own, for an add-to-calendar file."""
    event = icalendar.Event()
    event.add("uid", date_uid(series, info.key))
    event.add("summary", series.title)
    stamp = _changed(series, [info.row] if info.row is not None else [])
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", info.start.astimezone(schedule.TZ))
    event.add("dtend", info.end.astimezone(schedule.TZ))
    event.add("sequence", series.sequence + (info.row.sequence if info.row is not None else 0))
    event.add("status", "CANCELLED" if info.cancelled else "CONFIRMED")
    location = info.location or (series.online_url if online else "")
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if series.description:
        event.add("description", description_text(series.description, _origin(url)))
    return event


def calendar(components: Sequence[icalendar.Event], name: str) -> bytes:
    cal = calendar_header(name)
    for component in components:
        cal.add_component(component)
    return to_bytes(cal)
