"""VTIMEZONE components made from the IANA time zone data the server uses.

icalendar's own generator starts each observance at the first local time *after* a switch
(03:00 in spring instead of 02:00) and stops in 2037. Here each switch is written as
RFC 5545 wants it: DTSTART is the local time before the switch (the TZOFFSETFROM clock);
the switches of the years a feed spans are checked against the zone data, and the zone's
current rule (the POSIX TZ string at the end of its TZif file) is written as a yearly RRULE,
so the component is right for every later year too. Switches before the current rule took
effect (in the years spanned) are written one by one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_UTC = dt.UTC
_POSIX = re.compile(
    r"^(?P<std><[^>]+>|[A-Za-z]+)(?P<std_off>[+-]?\d+(?::\d+){0,2})"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]+)(?P<dst_off>[+-]?\d+(?::\d+){0,2})?"
    r",M(?P<sm>\d+)\.(?P<sw>\d)\.(?P<sd>\d)(?:/(?P<st>[+-]?\d+(?::\d+){0,2}))?"
    r",M(?P<em>\d+)\.(?P<ew>\d)\.(?P<ed>\d)(?:/(?P<et>[+-]?\d+(?::\d+){0,2}))?)?$"
)
_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]


@dataclass(frozen=True)
class Switch:
    at: dt.datetime  # the UTC instant of the switch
    before: dt.timedelta  # UTC offset before it
    after: dt.timedelta  # UTC offset after it
    name: str  # the abbreviation after it (CET, CEST)
    is_dst: bool

    @property
    def local_start(self) -> dt.datetime:
        """DTSTART of the observance: the switch on the clock that was valid before it."""
        return (self.at + self.before).replace(tzinfo=None)


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def posix_rule(tzid: str) -> str | None:
    """The POSIX TZ string that ends the zone's TZif file (the rule for all later years)."""
    for base in TZPATH:
        path = Path(base) / tzid
        if path.is_file():
            data = path.read_bytes()
            break
    else:
        try:
            package, _sep, name = f"tzdata.zoneinfo.{tzid}".replace("/", ".").rpartition(".")
            data = resources.files(package).joinpath(name).read_bytes()
        except (ModuleNotFoundError, FileNotFoundError):
            return None
    if not data.startswith(b"TZif") or data[4:5] < b"2":
        return None
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace") or None


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> dt.date:
    """POSIX Mm.w.d: day d (0 = Sunday) of week w (5 = last) of month m."""
    first = dt.date(year, month, 1)
    shift = (weekday - (first.isoweekday() % 7)) % 7
    day = first + dt.timedelta(days=shift + 7 * (week - 1))
    while day.month != month:
        day -= dt.timedelta(days=7)
    return day


def switches(tzid: str, first: dt.date, last: dt.date) -> list[Switch]:
    """Every change of the zone's UTC offset in [first, last), from the zone data."""
    tz = ZoneInfo(tzid)
    moment = dt.datetime.combine(first, dt.time(), tzinfo=_UTC)
    end = dt.datetime.combine(last, dt.time(), tzinfo=_UTC)
    found: list[Switch] = []
    step = dt.timedelta(hours=12)
    offset = moment.astimezone(tz).utcoffset()
    while moment < end:
        later = moment + step
        new = later.astimezone(tz).utcoffset()
        if new != offset:
            low, high = moment, later  # the switch is in (low, high]
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            at = high.replace(microsecond=0)
            local = at.astimezone(tz)
            found.append(Switch(at, offset, new, local.tzname() or "", bool(local.dst())))
            offset = new
        moment = later
    return found


@dataclass(frozen=True)
class _Rule:
    std_name: str
    std_offset: dt.timedelta
    dst_name: str
    dst_offset: dt.timedelta
    start: tuple[int, int, int, int]  # month, week, weekday, seconds after local midnight
    end: tuple[int, int, int, int]

    def switches_in(self, year: int) -> list[Switch]:
        found = []
        for (month, week, weekday, secs), before, after, name, is_dst in (
            (self.start, self.std_offset, self.dst_offset, self.dst_name, True),
            (self.end, self.dst_offset, self.std_offset, self.std_name, False),
        ):
            day = _nth_weekday(year, month, week, weekday)
            local = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=secs)
            at = (local - before).replace(tzinfo=_UTC)
            found.append(Switch(at, before, after, name, is_dst))
        return sorted(found, key=lambda s: s.at)

    def rrule(self, switch: Switch) -> dict:
        month, week, weekday, _secs = self.start if switch.is_dst else self.end
        return {
            "freq": "YEARLY",
            "bymonth": month,
            "byday": f"{-1 if week == 5 else week}{_DAYS[weekday]}",
        }


def _parse(text: str | None) -> _Rule | None:
    match = _POSIX.match(text or "")
    if not match or not match["dst"]:
        return None
    std = -_seconds(match["std_off"])  # POSIX offsets are west of Greenwich
    dst = -_seconds(match["dst_off"]) if match["dst_off"] else std + 3600
    return _Rule(
        match["std"].strip("<>"),
        dt.timedelta(seconds=std),
        match["dst"].strip("<>"),
        dt.timedelta(seconds=dst),
        (int(match["sm"]), int(match["sw"]), int(match["sd"]), _seconds(match["st"] or "2")),
        (int(match["em"]), int(match["ew"]), int(match["ed"]), _seconds(match["et"] or "2")),
    )


def _observance(switch: Switch, rrule: dict | None = None, rdates=()):
    part = TimezoneDaylight() if switch.is_dst else TimezoneStandard()
    part.add("dtstart", switch.local_start)
    part.add("tzoffsetfrom", switch.before)
    part.add("tzoffsetto", switch.after)
    part.add("tzname", switch.name)
    if rrule:
        part.add("rrule", rrule)
    for rdate in rdates:
        part.add("rdate", rdate.local_start)
    return part


@functools.lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of ``tzid``, right for every switch from ``first_year`` on (any year
    after ``last_year`` too, as long as the zone keeps its current rule)."""
    span = switches(tzid, dt.date(first_year, 1, 1), dt.date(last_year + 1, 1, 1))
    rule = _parse(posix_rule(tzid))
    component = Timezone()
    component.add("tzid", tzid)
    # from which year on the current rule gives exactly the switches of the zone data
    rule_year = None
    if rule is not None:
        rule_year = last_year + 1
        for year in range(last_year, first_year - 1, -1):
            if [s for s in span if s.at.year == year] != rule.switches_in(year):
                break
            rule_year = year
    explicit = [s for s in span if rule_year is None or s.at.year < rule_year]
    if not explicit and rule is None:
        # no switches in the span and no rule: the offset of the first day, as it is
        tz = ZoneInfo(tzid)
        moment = dt.datetime(first_year, 1, 1, tzinfo=_UTC).astimezone(tz)
        offset = moment.utcoffset()
        component.add_component(
            _observance(
                Switch(
                    dt.datetime(1970, 1, 1, tzinfo=_UTC),
                    offset,
                    offset,
                    moment.tzname() or tzid,
                    False,
                )
            )
        )
        return component
    for switch in explicit:
        component.add_component(_observance(switch))
    if rule is not None:
        for switch in rule.switches_in(rule_year):
            component.add_component(_observance(switch, rule.rrule(switch)))
    return component
