"""Expanding a series' rule into dates, with its exceptions applied.

Dates are computed on naive local wall-clock times and only then given the zone
Europe/Berlin: a meeting at 17:00 stays at 17:00 across a daylight saving change.

A series may have several *segments*: the current rule (from ``valid_from`` on) and the
rules it followed before an edit (:class:`~plugins.meetings.models.SeriesHistory`), so an
edit never rewrites a past date.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import dateutil.rrule
import recurrence
from django.utils import timezone
from django.utils.translation import gettext as _

TZ = ZoneInfo("Europe/Berlin")
#: how far an open-ended rule is searched for its first date or checked for any date
HORIZON_DAYS = 366 * 5


@dataclass
class Segment:
    """One rule with the times it applies to: [first_date, until] (until inclusive).

    ``first_date`` is the rule's DTSTART: a date of the rule, so that weekday, day of the
    month and the parity of an interval are those of the series. ``count`` is how many
    dates the rule has from there (a counted rule's total minus the dates held before).
    """

    uid: str  # "" for the current rule, else the earlier rule's UUID (see ical.segment_uid)
    rule: recurrence.Rule
    first_date: dt.date
    until: dt.date | None
    start_time: dt.time
    end_time: dt.time
    location: str
    is_current: bool
    count: int | None = None

    def limit(self) -> dt.datetime | None:
        """The last naive local moment a date of this segment may start."""
        limits = [d for d in (rule_until(self.rule), self.until) if d is not None]
        return dt.datetime.combine(min(limits), dt.time.max) if limits else None

    def dateutil_rule(self) -> dateutil.rrule.rrule:
        dtstart = dt.datetime.combine(self.first_date, self.start_time)
        kwargs = {p: (getattr(self.rule, p) or None) for p in recurrence.Rule.byparams}
        kwargs["byweekday"] = kwargs.pop("byday")
        # dateutil refuses COUNT together with UNTIL: a counted rule is cut off afterwards.
        return dateutil.rrule.rrule(
            self.rule.freq,
            dtstart=dtstart,
            interval=self.rule.interval or 1,
            wkst=self.rule.wkst,
            count=self.count,
            until=None if self.count else self.limit(),
            cache=True,
            **kwargs,
        )

    def local_starts(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """Aware starts of the rule's dates whose start lies in [start, end)."""
        if self.count == 0:
            return []
        naive_from = start.astimezone(TZ).replace(tzinfo=None)
        naive_to = end.astimezone(TZ).replace(tzinfo=None)
        limit = self.limit()
        rule = self.dateutil_rule()
        return [
            d.replace(tzinfo=TZ)
            for d in rule.between(naive_from, naive_to, inc=True)
            if d < naive_to and (limit is None or d <= limit)
        ]

    def first_start(self) -> dt.datetime | None:
        if self.count == 0:
            return None
        first = self.dateutil_rule().after(
            dt.datetime.combine(self.first_date, dt.time.min), inc=True
        )
        limit = self.limit()
        if first is None or (limit is not None and first > limit):
            return None
        return first.replace(tzinfo=TZ)

    def all_starts(self) -> list[dt.datetime]:
        """Every date of the segment (an open-ended rule: those within the horizon)."""
        start = dt.datetime.combine(self.first_date, dt.time.min, tzinfo=TZ)
        end = self.until or self.first_date + dt.timedelta(days=HORIZON_DAYS)
        stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
        return self.local_starts(start, stop)

    def rrule_text(self) -> str:
        """The RRULE of this segment as a feed publishes it.

        A current counted rule gives the dates it has left (COUNT); an earlier segment
        ends at its last date (UNTIL), so calendar apps show none of its dates after the
        edit (a counted rule would otherwise count on).
        """
        if self.is_current:
            return rrule_params(self.rule, self.start_time, count=self.count)
        starts = self.all_starts()
        text = rrule_params(self.rule, self.start_time, count=None, until=False)
        last = starts[-1] if starts else dt.datetime.combine(self.first_date, self.start_time)
        last = last.replace(tzinfo=TZ) if last.tzinfo is None else last
        return text + ";UNTIL=" + last.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    def covers(self, day: dt.date) -> bool:
        return day >= self.first_date and (self.until is None or day <= self.until)

    def duration(self) -> dt.timedelta:
        base = dt.date(2000, 1, 3)  # no DST change on this day in Europe/Berlin
        return dt.datetime.combine(base, self.end_time) - dt.datetime.combine(base, self.start_time)


@dataclass
class DateInfo:
    """One date of a series as people see it: planned, moved, cancelled or extra."""

    series: object
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    location: str
    status: str = "scheduled"
    is_extra: bool = False
    row: object | None = None
    extras: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.original_start.astimezone(TZ).date().isoformat()

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def moved(self) -> bool:
        return self.status == "moved"

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(TZ)

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(TZ)

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    def url(self) -> str:
        from django.urls import reverse

        return reverse("plugins:meetings:date", args=[self.series.pk, self.key])


# --- rules ---------------------------------------------------------------------------------


def the_rule(rec: recurrence.Recurrence | None) -> recurrence.Rule | None:
    if not rec or len(rec.rrules) != 1:
        return None
    return rec.rrules[0]


def rule_until(rule: recurrence.Rule) -> dt.date | None:
    """The rule's end date as a local calendar day (django-recurrence stores a datetime)."""
    if rule.until is None:
        return None
    until = rule.until
    if isinstance(until, dt.datetime):
        if timezone.is_aware(until):
            until = until.astimezone(TZ)
        return until.date()
    return until


_RULE_COUNT = object()


def rrule_params(
    rule: recurrence.Rule,
    start_time: dt.time | None = None,
    *,
    count=_RULE_COUNT,
    until: bool = True,
) -> str:
    """The RRULE value as RFC 5545 writes it; UNTIL is the last date's start in UTC.

    ``count`` replaces the rule's COUNT (the dates a segment has left); ``until=False``
    leaves the rule's end out (the caller adds its own).
    """
    if count is _RULE_COUNT:
        count = rule.count
    text = recurrence.serialize(
        recurrence.Rule(
            rule.freq,
            interval=rule.interval,
            wkst=rule.wkst,
            count=count,
            **{p: getattr(rule, p) for p in recurrence.Rule.byparams},
        )
    )
    text = text.removeprefix("RRULE:")
    end = rule_until(rule) if until else None
    if end is not None and count is None:
        local = dt.datetime.combine(end, start_time or dt.time(23, 59, 59), tzinfo=TZ)
        text += ";UNTIL=" + local.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return text


def rule_problem(
    rec: recurrence.Recurrence | None, first_date: dt.date, start_time: dt.time | None
) -> str | None:
    """Why this rule cannot make a series, in the editor's language; None when it can."""
    if not rec or not rec.rrules:
        return _("Choose how often the meeting repeats.")
    if len(rec.rrules) > 1 or rec.exrules or rec.rdates or rec.exdates:
        return _(
            "Use exactly one repeating rule. Cancel, move or add single dates on the date itself."
        )
    rule = rec.rrules[0]
    if rule.freq not in (dateutil.rrule.WEEKLY, dateutil.rrule.MONTHLY):
        return _("A meeting repeats weekly, every few weeks or monthly.")
    if rule.interval is not None and not 1 <= int(rule.interval) <= 52:
        return _("The interval must be between 1 and 52.")
    if rule.count is not None and not 1 <= int(rule.count) <= 1000:
        return _("The number of dates must be between 1 and 1000.")
    until = rule_until(rule)
    if until is not None and until < first_date:
        return _("The repetition ends before the first date.")
    segment = Segment("", rule, first_date, None, start_time or dt.time(12), dt.time(13), "", True)
    try:
        first = segment.first_start()
    except (ValueError, TypeError) as exc:
        return _("This rule is not valid: %(reason)s") % {"reason": exc}
    if first is None or first.date() > first_date + dt.timedelta(days=HORIZON_DAYS):
        return _("This rule produces no dates. Check the weekdays, days of the month and the end.")
    return None


def rule_text(series) -> str:
    rule = the_rule(series.schedule_source().recurrence)
    return rule.to_text() if rule else ""


# --- segments ------------------------------------------------------------------------------


def current_segment(series) -> Segment | None:
    source = series.schedule_source()
    rule = the_rule(source.recurrence)
    if rule is None:
        return None
    first = max(source.first_date, source.valid_from or source.first_date)
    return Segment(
        uid="",  # the series' own UID (ical.segment_uid; made only where a feed needs it)
        rule=rule,
        first_date=first,
        until=None,
        start_time=source.start_time,
        end_time=source.end_time,
        location=source.location,
        is_current=True,
        count=max(rule.count - source.count_held, 0) if rule.count else None,
    )


def history_segment(series, history) -> Segment:
    rule = recurrence.deserialize(history.rule).rrules[0]
    return Segment(
        uid=str(history.ical_uuid),
        rule=rule,
        first_date=history.first_date,
        until=history.until,
        start_time=history.start_time,
        end_time=history.end_time,
        location=history.location,
        is_current=False,
        count=history.count,
    )


def segments(series, history: Iterable | None = None) -> list[Segment]:
    if history is None:
        history = series.schedule_source().history.all()
    found = [history_segment(series, h) for h in history]
    current = current_segment(series)
    if current is not None:
        found.append(current)
    return found


def segment_for(segments_: Sequence[Segment], day: dt.date) -> Segment | None:
    return next((s for s in segments_ if s.covers(day)), None)


def segment_at(segments_: Sequence[Segment], day: dt.date) -> Segment | None:
    """The segment whose place and times apply on ``day`` (for extra dates, which may fall
    between or before the rule's dates): the covering one, else the nearest before it."""
    found = segment_for(segments_, day)
    if found is not None or not segments_:
        return found
    earlier = [s for s in segments_ if s.first_date <= day]
    return earlier[-1] if earlier else segments_[0]


def _extra(series, row, segs: Sequence[Segment]) -> DateInfo:
    at = segment_at(segs, row.original_start.astimezone(TZ).date())
    location = at.location if at is not None else series.schedule_source().location
    return _apply(DateInfo(series, row.original_start, row.start, row.end, location), row)


# --- expansion -----------------------------------------------------------------------------


def _planned(series, segment: Segment, start: dt.datetime) -> DateInfo:
    return DateInfo(
        series=series,
        original_start=start,
        start=start,
        end=end_of(start, segment),
        # never the online link: it (and its passcode) is for participants only, and dates
        # go to public calendars and feeds; views and personal feeds add it where allowed
        location=segment.location,
    )


def end_of(start: dt.datetime, segment: Segment) -> dt.datetime:
    naive = start.replace(tzinfo=None) + segment.duration()
    return naive.replace(tzinfo=TZ)


def _apply(info: DateInfo, row) -> DateInfo:
    info.row = row
    info.status = row.status
    info.is_extra = row.is_extra
    if row.start and row.end:
        info.start, info.end = row.start, row.end
    if row.location:
        info.location = row.location
    return info


def expand(
    series,
    start: dt.datetime,
    end: dt.datetime,
    rows: Sequence | None = None,
    history: Iterable | None = None,
) -> list[DateInfo]:
    """The dates of ``series`` that overlap [start, end), exceptions applied, by start.

    ``rows`` are the series' :class:`Occurrence` rows (all of them, or at least those whose
    original or actual start is near the range); passing them avoids a query per series.
    """
    if rows is None:
        rows = list(series.schedule_source().occurrences.all())
    by_original = {row.original_start: row for row in rows}
    found: dict[dt.datetime, DateInfo] = {}
    # A date moved into the range may come from outside it: widen the rule's window.
    margin = dt.timedelta(days=1)
    segs = segments(series, history)
    for segment in segs:
        for planned in segment.local_starts(start - margin, end + margin):
            if not segment.covers(planned.date()):
                continue
            info = _planned(series, segment, planned)
            row = by_original.pop(planned, None)
            found[planned] = _apply(info, row) if row is not None else info
    for row in by_original.values():
        # extra dates, and moved dates whose planned start lies far outside the range
        if row.is_extra and row.start and row.end:
            found[row.original_start] = _extra(series, row, segs)
        elif row.start and row.end and row.status == "moved":
            segment = next(
                (s for s in segs if s.covers(row.original_start.astimezone(TZ).date())),
                None,
            )
            if segment is not None and row.original_start in segment.local_starts(
                row.original_start, row.original_start + dt.timedelta(seconds=1)
            ):
                found[row.original_start] = _apply(
                    _planned(series, segment, row.original_start), row
                )
    dates = [d for d in found.values() if d.start < end and d.end > start]
    return sorted(dates, key=lambda d: (d.start, d.original_start))


def dates_for(series, from_day: dt.date, to_day: dt.date, *, kept: bool = False) -> list[DateInfo]:
    """The dates of ``series`` from ``from_day`` to before ``to_day``. ``kept``: from the
    expansion kept for the published series (:func:`expand_many`); never for a draft."""
    start = dt.datetime.combine(from_day, dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(to_day, dt.time.min, tzinfo=TZ)
    if kept:
        return expand_many([series], start, end, kept=True)
    return expand(series, start, end)


def expand_many(
    series_list: Sequence, start: dt.datetime, end: dt.datetime, *, kept: bool = False
) -> list[DateInfo]:
    """Dates of many series in [start, end) with two queries in all, sorted by start.

    ``kept``: the series are published pages read from the database (not a draft in an
    editor's preview), and the dates may come from the expansion this process keeps
    (:func:`_kept_dates`) when the range lies in the days it covers."""
    if kept and _keeps() and _fits_kept(start, end):
        dated = _kept_dates(series_list, start, end)
        found = [info for series in series_list for info in dated[series.pk]]
        return sorted(found, key=lambda d: (d.start, d.series.pk))
    return _expand_all(series_list, start, end)


def _expand_all(series_list: Sequence, start: dt.datetime, end: dt.datetime) -> list[DateInfo]:
    from .models import MeetingSeriesPage

    MeetingSeriesPage.resolve_sources(series_list)
    sources = {s.pk: s.schedule_source().pk for s in series_list}
    rows, history = _rows_and_history(set(sources.values()))
    found: list[DateInfo] = []
    for series in series_list:
        source = sources[series.pk]
        found.extend(expand(series, start, end, rows[source], history[source]))
    return sorted(found, key=lambda d: (d.start, d.series.pk))


def _rows_and_history(ids: set) -> tuple[dict[int, list], dict[int, list]]:
    """The :class:`Occurrence` rows and the earlier rules of the series ``ids``, by series:
    two queries."""
    from .models import Occurrence, SeriesHistory

    rows: dict[int, list] = defaultdict(list)
    history: dict[int, list] = defaultdict(list)
    if not ids:
        return rows, history
    for row in Occurrence.objects.filter(series_id__in=ids):
        rows[row.series_id].append(row)
    for h in SeriesHistory.objects.filter(series_id__in=ids):
        history[h.series_id].append(h)
    return rows, history


def next_dates_by_series(series_list: Sequence, per_series: int = 3) -> list[tuple]:
    """(series, its next dates) pairs for overview pages, ordered by the next date.

    The series are published pages read from the database: their dates come from the kept
    expansion (:func:`_kept_dates`)."""
    now = timezone.now()
    end = now + dt.timedelta(days=400)
    if _keeps():  # the kept days reach from yesterday to more than 400 days from now
        grouped = _kept_dates(series_list, now, end, limit=per_series)
    else:
        grouped = defaultdict(list)
        for info in _expand_all(series_list, now, end):
            if len(grouped[info.series.pk]) < per_series:
                grouped[info.series.pk].append(info)
    pairs = [(s, grouped.get(s.pk, [])) for s in series_list]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(pairs, key=lambda p: (p[1][0].start if p[1] else far, p[0].title))


# --- the kept expansion ----------------------------------------------------------------------
#
# Pages that list dates (the meetings overview, a series page, the calendar, the home page's
# agenda, a working group's space, the dashboard) would otherwise read every series' rows
# and history and expand its rule on each render. The expansion of a published series
# depends only on its page (rule, times, place, earlier rules) and its Occurrence rows, and
# on the day: so each process keeps it per series for the days from yesterday to
# ``KEPT_DAYS`` ahead, under the chrome's generation (treffpunkt.core.chrome), when the
# processes share a cache (else every render expands, as each process would see only its
# own changes start a new generation). Publishing or
# saving a series page starts a new generation (a page is a chrome model), and so does
# every saved or deleted Occurrence or SeriesHistory row (receivers.py connects them);
# a new day starts a new window. What is kept holds no person and no series object: plain
# values, and the rows pickled (each call unpacks its own copies).

#: how many days from the start of yesterday (local) the kept expansion covers
KEPT_DAYS = 403
#: at most this many series are kept per process (then it starts again)
KEPT_SERIES = 2000


@dataclass(frozen=True)
class _Frozen:
    #: (original_start, start, end, location, status, is_extra, index into rows or -1)
    dates: tuple
    rows: bytes  # the pickled list of the Occurrence rows the dates refer to


_kept: dict = {"stamp": None, "source_of": {}, "dates": {}}


def _keeps() -> bool:
    """Whether dates may be kept across requests: only when every process sees the same
    chrome generation (a shared cache). Without one, a date saved in another process (a
    second web worker, the task worker, a command) would start a new generation there only,
    and this process would show the old dates until the day changes."""
    from django.conf import settings

    return bool(getattr(settings, "CACHE_SHARED_BY_PROCESSES", False))


def _window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    yesterday = now.astimezone(TZ).date() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time.min, tzinfo=TZ)
    return start, dt.datetime.combine(
        yesterday + dt.timedelta(days=KEPT_DAYS), dt.time.min, tzinfo=TZ
    )


def _fits_kept(start: dt.datetime, end: dt.datetime) -> bool:
    low, high = _window(timezone.now())
    return low <= start and end <= high


def _freeze(dates: list[DateInfo]) -> _Frozen:
    rows: list = []
    values = []
    for info in dates:
        index = -1
        if info.row is not None:
            index = len(rows)
            rows.append(info.row)
        values.append(
            (
                info.original_start,
                info.start,
                info.end,
                info.location,
                info.status,
                info.is_extra,
                index,
            )
        )
    return _Frozen(tuple(values), pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))


def _thaw(series, frozen: _Frozen, start: dt.datetime, end: dt.datetime, limit) -> list:
    chosen = [v for v in frozen.dates if v[1] < end and v[2] > start]
    if limit is not None:
        chosen = chosen[:limit]
    rows = pickle.loads(frozen.rows) if any(v[6] >= 0 for v in chosen) else []  # noqa: S301 - written by _freeze
    return [
        DateInfo(series, o, s, e, loc, status, extra, rows[i] if i >= 0 else None)
        for o, s, e, loc, status, extra, i in chosen
    ]


def _kept_dates(
    series_list: Sequence, start: dt.datetime, end: dt.datetime, limit: int | None = None
) -> dict[int, list[DateInfo]]:
    """Each series' dates in [start, end) (at most ``limit``), by the series' id, from what
    this process keeps; what it lacks is read (two queries) and expanded once."""
    from treffpunkt.core import chrome

    from .models import MeetingSeriesPage

    low, high = _window(timezone.now())
    stamp = (chrome.generation(), low)
    state = _kept if _kept["stamp"] == stamp else {"stamp": stamp, "source_of": {}, "dates": {}}
    source_of, dates = state["source_of"], state["dates"]
    unknown = [s for s in series_list if source_of.get(s.pk) not in dates]
    if unknown:
        source_of, dates = dict(source_of), dict(dates)
        MeetingSeriesPage.resolve_sources(unknown)
        for series in unknown:
            source_of[series.pk] = series.schedule_source().pk
        # Read the sources again: a caller's objects may be older than the generation read
        # above, and what is kept under it must not be.
        wanted = {source_of[series.pk] for series in unknown}
        sources = MeetingSeriesPage.objects.in_bulk(wanted)
        rows, history = _rows_and_history(wanted)
        for pk in wanted:
            source = sources.get(pk)
            if source is None:  # deleted meanwhile
                dates[pk] = _freeze([])
                continue
            source._schedule_source = source  # noqa: SLF001 - its own source
            dates[pk] = _freeze(expand(source, low, high, rows[pk], history[pk]))
    found = {
        series.pk: _thaw(series, dates[source_of[series.pk]], start, end, limit)
        for series in series_list
    }
    if unknown and chrome.settled():
        if len(dates) > KEPT_SERIES:  # a process that has seen very many series: start again
            source_of = {s.pk: source_of[s.pk] for s in series_list}
            dates = {pk: dates[pk] for pk in source_of.values()}
        _kept.update(stamp=stamp, source_of=source_of, dates=dates)
    return found


def find_date(series, key: str) -> DateInfo | None:
    """The date of the series whose planned day is ``key`` (YYYY-MM-DD), or None."""
    try:
        day = dt.date.fromisoformat(key)
    except (TypeError, ValueError):
        return None
    start = dt.datetime.combine(day, dt.time.min, tzinfo=TZ)
    end = start + dt.timedelta(days=1)
    rows = list(
        series.schedule_source().occurrences.filter(
            original_start__gte=start, original_start__lt=end
        )
    )
    for row in rows:
        if row.is_extra:
            return _extra(series, row, segments(series))
    for segment in segments(series):
        if not segment.covers(day):
            continue
        for planned in segment.local_starts(start, end):
            info = _planned(series, segment, planned)
            row = next((r for r in rows if r.original_start == planned), None)
            return _apply(info, row) if row else info
    return None


# --- editing the schedule --------------------------------------------------------------


def anchor_rule(series) -> None:
    """Give a rule without anchor the weekday or day of the month of the first date.

    "Every 2 weeks" without a weekday, or "monthly" without a day, would otherwise take
    its day from wherever the rule is restarted; saved anchored, it never drifts.
    """
    rule = the_rule(series.recurrence)
    if rule is None or not series.first_date:
        return
    has_day = bool(rule.byday or rule.bymonthday or rule.byyearday or rule.byweekno)
    if has_day:
        return
    if rule.freq == dateutil.rrule.WEEKLY:
        rule.byday = [recurrence.Weekday(series.first_date.weekday())]
    elif rule.freq == dateutil.rrule.MONTHLY and not rule.bysetpos:
        rule.bymonthday = [series.first_date.day]


def _schedule_of(values: dict) -> tuple:
    return (
        values["first_date"],
        values["start_time"],
        values["end_time"],
        recurrence.serialize(values["recurrence"]) if values["recurrence"] else "",
        values["location"],
    )


def next_start_after(segment: Segment, moment: dt.datetime) -> dt.datetime | None:
    """The first date of the segment that starts after ``moment``."""
    if segment.count == 0:
        return None
    naive = moment.astimezone(TZ).replace(tzinfo=None)
    found = segment.dateutil_rule().after(naive, inc=False)
    limit = segment.limit()
    if found is None or (limit is not None and found > limit):
        return None
    return found.replace(tzinfo=TZ)


def change_day(old_segment: Segment, chosen: dt.date | None) -> dt.date:
    """The day an edit takes effect: the chosen day, never before the next date."""
    now = timezone.now()
    upcoming = next_start_after(old_segment, now)
    # no date ahead: tomorrow (a date today may have begun, and stays as it was)
    tomorrow = timezone.localdate(timezone=TZ) + dt.timedelta(days=1)
    earliest = upcoming.date() if upcoming is not None else tomorrow
    return max(chosen, earliest) if chosen else earliest


def _first_on_pattern(rule: recurrence.Rule, anchor: dt.date, start_time, day: dt.date):
    """The first day on or after ``day`` of ``rule``'s pattern counted from ``anchor`` (its
    DTSTART).

    Counting from the old anchor keeps the weekday, the day of the month and the
    phase of an interval ("every second Thursday", "every third month") of the series.
    The rule's end is left out: where the rule has no date left from ``day`` on, the day
    found lies after its UNTIL and the segment starting there has no date. The change day
    itself would be no anchor: the interval would be counted from it, and a date before
    UNTIL that the series never had would appear.
    """
    pattern = copy.copy(rule)
    pattern.until = None
    probe = Segment("", pattern, anchor, None, start_time, start_time, "", True, None)
    first = probe.dateutil_rule().after(dt.datetime.combine(day, dt.time.min), inc=True)
    return first.date() if first is not None else None


def split_history_if_changed(series) -> None:
    """Before a changed schedule is saved: the dates before the change day stay as they were.

    Called from ``MeetingSeriesPage.save``. The change applies from ``changes_from`` (never
    before the next date; default: the next date). The old rule is kept for the dates
    before that day (:class:`SeriesHistory`, ending there); the edited rule goes on from its
    first date on or after that day counted from the old rule's start, so weekday,
    day of the month and fortnight stay; a counted rule keeps its total. SEQUENCE goes up so
    that calendar apps take the change.
    """
    from .models import MeetingSeriesPage, SeriesHistory

    chosen = series.changes_from
    series.changes_from = None  # used once: the next edit chooses again
    old_page = MeetingSeriesPage.objects.filter(pk=series.pk).first()
    if old_page is None:
        return
    # A revision may carry stale copies of these: the database has the truth.
    series.sequence = max(series.sequence, old_page.sequence)
    series.valid_from = old_page.valid_from
    series.count_held = old_page.count_held
    fields = ("first_date", "start_time", "end_time", "recurrence", "location")
    old = {f: getattr(old_page, f) for f in fields}
    new = {f: getattr(series, f) for f in fields}
    if _schedule_of(old) == _schedule_of(new):
        return
    series.sequence = old_page.sequence + 1
    old_page._schedule_source = old_page  # noqa: SLF001 - its own dates, not a translation's
    old_segment = current_segment(old_page)
    if old_segment is None:
        return
    day = change_day(old_segment, chosen)
    held = old_segment.local_starts(
        dt.datetime.combine(old_segment.first_date, dt.time.min, tzinfo=TZ),
        dt.datetime.combine(day, dt.time.min, tzinfo=TZ),
    )
    new_rule = the_rule(series.recurrence) or old_segment.rule
    if not held:
        # Nothing of the old rule happens before the change day: the new rule replaces it,
        # but never reaches back before that day.
        since = None
        if old_segment.first_date < day:
            since = day
        elif old_page.valid_from is not None:
            since = old_page.valid_from
        if since is not None:
            series.valid_from = (
                _first_on_pattern(new_rule, old_segment.first_date, series.start_time, since)
                or since
            )
        series._rekey_from = day  # noqa: SLF001 - read once by rekey_future_rows
        return
    SeriesHistory.objects.create(
        series=series,
        rule=recurrence.serialize(old_segment.rule),
        first_date=old_segment.first_date,
        until=day - dt.timedelta(days=1),
        count=old_segment.count,
        start_time=old_segment.start_time,
        end_time=old_segment.end_time,
        location=old_segment.location,
    )
    series.count_held = old_page.count_held + len(held)
    series.valid_from = (
        _first_on_pattern(new_rule, old_segment.first_date, series.start_time, day) or day
    )
    series._rekey_from = day  # noqa: SLF001 - read once by rekey_future_rows after saving


def rekey_future_rows(series) -> None:
    """After an edit: rows of dates from the change day follow their date to its new time
    on the same day. A row whose day is no longer a date of the series stays as it is and
    is shown to the hosts (:func:`orphaned_rows`)."""
    from .models import Occurrence

    since = getattr(series, "_rekey_from", None)
    if since is None:
        return
    del series._rekey_from
    series._schedule_source = series  # noqa: SLF001 - the saved page is its own source
    segment = current_segment(series)
    if segment is None:
        return
    start = dt.datetime.combine(since, dt.time.min, tzinfo=TZ)
    for row in Occurrence.objects.filter(series=series, original_start__gte=start, is_extra=False):
        day = row.original_start.astimezone(TZ).date()
        if not segment.covers(day):
            continue
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=TZ)
        planned = segment.local_starts(day_start, day_start + dt.timedelta(days=1))
        if planned and planned[0] != row.original_start:
            taken = Occurrence.objects.filter(series=series, original_start=planned[0])
            if not taken.exists():
                row.original_start = planned[0]
                row.save(update_fields=["original_start"])


def orphaned_rows(series, rows: Sequence | None = None, history: Iterable | None = None):
    """Rows of dates the series no longer has (its rule was changed): for the hosts to see.

    An exception, agenda or RSVPs made for such a date are never dropped silently.
    """
    source = series.schedule_source()
    if rows is None:
        rows = list(source.occurrences.filter(is_extra=False))
    segs = segments(series, history)
    found = []
    for row in rows:
        if row.is_extra:
            continue
        local = row.original_start.astimezone(TZ)
        segment = segment_for(segs, local.date())
        day_start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=TZ)
        planned = (
            segment.local_starts(day_start, day_start + dt.timedelta(days=1)) if segment else []
        )
        if row.original_start not in planned:
            found.append(row)
    return found


def as_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(TZ)
