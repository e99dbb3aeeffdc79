"""The calendar's iCalendar feeds: a VCALENDAR holding what every contributor answers.

Everything a calendar app relies on is made here, once, for every feed of the site: the
calendar's name (escaped, naming the town and the filter), how often to poll
(``REFRESH-INTERVAL`` and ``X-PUBLISHED-TTL`` as durations), the VTIMEZONE of every TZID
(:mod:`treffpunkt.calendar.timezones`), plain-text descriptions from rich text, how far
back a feed reaches (``CALENDAR_FEED_PAST_DAYS``) and the HTTP answer with ETag,
Last-Modified and 304 (:func:`feed_response`).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from icalendar import Calendar, vDuration, vText

from .entries import clean_filters
from .signals import ical_components
from .timezones import vtimezone

if TYPE_CHECKING:
    from wagtail.models import Site

#: how often calendar programs should fetch a feed again (RFC 7986 REFRESH-INTERVAL)
REFRESH_INTERVAL = timedelta(hours=6)
PRODID = "-//Treffpunkt//Kalender//DE"


def past_days() -> int:
    """How long past entries stay in feeds (subscribed calendars keep their history)."""
    return int(getattr(settings, "CALENDAR_FEED_PAST_DAYS", 365))


def feed_since() -> datetime:
    return timezone.now() - timedelta(days=past_days())


def calendar_name(site: Site | None, label: str = "") -> str:
    """The feed's name in calendar apps: the town's site, and the filter when there is one."""
    town = (site.site_name or site.hostname) if site is not None else "Treffpunkt"
    return f"{town} – {label}" if label else town


def calendar_header(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(name))  # TEXT: commas and semicolons escaped
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    return calendar


new_calendar = calendar_header


def _tzids_and_years(calendar: Calendar) -> tuple[set[str], int, int]:
    tzids: set[str] = set()
    years: list[int] = []
    for component in calendar.walk():
        for key in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            value = component.get(key)
            if value is None or "TZID" not in getattr(value, "params", {}):
                continue
            tzids.add(str(value.params["TZID"]))
            years.append(value.dt.year)
    now = timezone.now().year
    return tzids, min(years, default=now), max([*years, now + 1])


def timezone_blocks(tzids, first_year: int, last_year: int) -> bytes:
    """VTIMEZONE components for these TZIDs (cached: a constant of the zone data)."""
    return b"".join(vtimezone(tzid, first_year, last_year).to_ical() for tzid in sorted(tzids))


def to_bytes(calendar: Calendar) -> bytes:
    """The calendar as bytes with a VTIMEZONE for every TZID it uses (Outlook needs them)."""
    tzids, first, last = _tzids_and_years(calendar)
    for tzid in sorted(tzids):
        calendar.add_component(vtimezone(tzid, first, last))
    return calendar.to_ical()


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|blockquote|ul|ol|table|tr)\s*>", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_ITEM = re.compile(r"<li[^>]*>", re.I)
_LINK = re.compile(r"<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def description_text(rich_text: str, root_url: str = "") -> str:
    """Rich text as readable plain text: paragraphs and list items kept, links as absolute
    URLs (made with ``root_url``), entities decoded, no markup."""
    from wagtail.rich_text import expand_db_html

    from treffpunkt.links import join_root

    text = expand_db_html(rich_text or "")

    def link(match: re.Match) -> str:
        href = html.unescape(match.group(1))
        label = html.unescape(_TAG.sub("", match.group(2))).strip()
        if href.startswith("/") and root_url:
            href = join_root(root_url, href)
        return f"{label} ({href})" if label and label != href else href

    text = _LINK.sub(link, text)
    text = _LINE_BREAK.sub("\n", text)
    text = _ITEM.sub("\n• ", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def build_feed(site: Site, user, filters=None, *, name: str = "", language: str = "") -> bytes:
    """The iCalendar feed of the site (narrowed by filters), every contributor included, in
    ``language`` (default: the site's): receivers answer in the active language, giving an
    entry's translation where it has one."""
    filters = clean_filters(filters)
    with translation.override(feed_language(language)):
        calendar = calendar_header(name or calendar_name(site))
        for component in ical_components.collect(site, user=user, filters=filters):
            calendar.add_component(component)
    return to_bytes(calendar)


def feed_language(code: str | None) -> str:
    """A language the site speaks, else its default (a feed never follows the caller's
    Accept-Language: calendar apps poll without one, and the answer is cached)."""
    return code if code in {c for c, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def subscribe_links(site: Site, path: str, query: dict | None = None, name: str = "") -> dict:
    """The addresses of a feed as subscribe buttons need them: the https address (to copy),
    ``webcal://`` (calendar apps on this device), Google Calendar and Outlook.com."""
    from treffpunkt.links import absolute_url, webcal_url

    query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    url = absolute_url(site, path) + ("?" + urlencode(query) if query else "")
    webcal = webcal_url(url)
    outlook = {"url": url, "name": name} if name else {"url": url}
    return {
        "feed_url": url,
        "webcal_url": webcal,
        "google_url": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        "outlook_url": "https://outlook.live.com/calendar/0/addfromweb?" + urlencode(outlook),
    }


def feed_version(site: Site, user, filters=None) -> tuple | None:
    """What the site's feed (narrowed by ``filters``, for ``user``) is built from, in a few
    aggregate queries: every contributor's ``ical_version`` answer. None when a contributor
    of components gives no version (its feed cannot be told unchanged without building it).
    """
    from .signals import ical_version

    filters = clean_filters(filters)
    answers = ical_version.send(site, user=user, filters=filters)
    versioned = {_module(receiver) for receiver, _answer in answers}
    if not {_module(r) for r in ical_components.receivers_for(site)} <= versioned:
        return None
    return tuple(sorted((_module(receiver), repr(answer)) for receiver, answer in answers))


def _module(receiver) -> str:
    return str(getattr(getattr(receiver, "__func__", receiver), "__module__", ""))


def common_version(site: Site | None) -> tuple:
    """What every feed depends on besides its contributors' data: the site's name and
    address, the day (past entries leave a feed, the VTIMEZONE covers the coming year) and
    the latest page change Wagtail logged (publishing, unpublishing, moving, deleting a page
    or changing a view restriction: one index lookup)."""
    from wagtail.models import PageLogEntry

    latest = PageLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    where = (site.site_name, site.root_url) if site is not None else ()
    return (*where, timezone.localdate().isoformat(), latest, past_days())


#: how long a feed's body is kept under its version (a safety net: versions decide)
BODY_TIMEOUT = 6 * 3600


def add_to_calendar_links(
    title: str, start: datetime, end: datetime, location: str = "", url: str = ""
) -> dict:
    """Links that put one date into Google Calendar or Outlook on the web (prefilled; the
    person saves it there). ``url``: the date's page, as the entry's details."""
    google_time, outlook_time = "%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ"
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{start:{google_time}}/{end:{google_time}}",
        "location": location,
        "details": url,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": f"{start:{outlook_time}}",
        "enddt": f"{end:{outlook_time}}",
        "location": location,
        "body": url,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook),
    }


def poll_address(scheme: str, host: str, path: str, query: str) -> str:
    """A feed's address as its cached answers are kept under: scheme, Host header, path and
    query exactly as the request named them (the same in the view and in
    :mod:`treffpunkt.calendar.polls`, which answers repeated polls before Django)."""
    return hashlib.blake2b(f"{scheme}://{host}{path}?{query}".encode(), digest_size=16).hexdigest()


def version_key(where: str) -> str:
    return f"calendar:feed-version:{where}"


def changed_key(where: str) -> str:
    return f"calendar:feed-changed:{where}"


def version_hash(version: tuple | None) -> str:
    return hashlib.blake2b(repr(version).encode(), digest_size=16).hexdigest()


#: what a public feed's answers say about caching (a personal one: "private, no-store")
PUBLIC_CACHE_CONTROL = "public, max-age=900"


def feed_response(
    request,
    body: bytes | Callable[[], bytes],
    *,
    version: tuple | Callable[[], tuple | None] | None = None,
    filename: str = "kalender.ics",
    private: bool = False,
) -> HttpResponse:
    """The feed as an HTTP answer that calendar apps can poll cheaply.

    ``body`` is the feed, or a function that builds it. With a ``version`` (a value that
    changes whenever the body could: :func:`feed_version` plus :func:`common_version`), a
    request for the same address and version is answered from the cache without building:
    a conditional request with 304, any other with the body kept from the last build. A
    ``version`` given as a function is asked at most every ``CALENDAR_FEED_VERSION_SECONDS``
    per address (kept in the cache meanwhile): a change reaches the next poll after at most
    that long, and a poll in between costs two cache reads and no query. Within that time a
    conditional poll of a public feed is answered before Django's middleware
    (:mod:`treffpunkt.calendar.polls`).

    ETag is the body's hash. Last-Modified is when this address last answered with another
    body (kept in the cache per address, so a body that changes back gets a new time too).
    A request naming the current ETag (If-None-Match), or without one a time not before
    Last-Modified (If-Modified-Since), gets 304 Not Modified without the body.
    """
    where = poll_address(
        request.scheme,
        request.META.get("HTTP_HOST", ""),
        request.path,
        request.META.get("QUERY_STRING", ""),
    )
    key = changed_key(where)
    body_key = f"calendar:feed-body:{where}"
    if callable(version):
        version = _recent_version(version_key(where), version)
    known = version_hash(version) if version is not None else None
    public = not private and known is not None
    # (etag, first seen, version it was built from, whether answered before Django)
    seen = cache.get(key)
    if known is not None and seen is not None and len(seen) == 4 and seen[2] == known:
        etag, first_seen = seen[0], seen[1]
        response = _not_modified(request, etag, first_seen)
        if response is None:
            kept = cache.get(body_key)
            if kept is not None and kept[0] == known:
                response = _feed_answer(kept[1], filename)
        if response is not None:
            if seen[3] != public:
                cache.set(key, (etag, first_seen, known, public), timeout=30 * 24 * 3600)
            return _with_validators(response, etag, first_seen, private)
    data = body() if callable(body) else body
    etag = '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'
    if seen is not None and seen[0] == etag:
        first_seen = seen[1]
    else:
        first_seen = timezone.now().replace(microsecond=0)
    if seen != (etag, first_seen, known, public):
        cache.set(key, (etag, first_seen, known, public), timeout=30 * 24 * 3600)
    if known is not None:
        cache.set(body_key, (known, data), timeout=BODY_TIMEOUT)
    response = _not_modified(request, etag, first_seen) or _feed_answer(data, filename)
    return _with_validators(response, etag, first_seen, private)


def _recent_version(key: str, version: Callable[[], tuple | None]) -> tuple | None:
    seconds = int(getattr(settings, "CALENDAR_FEED_VERSION_SECONDS", 60))
    if seconds <= 0:
        return version()
    known = cache.get(key)
    if known is None:
        known = (version(),)  # a tuple: a version of None is remembered too
        cache.set(key, known, timeout=seconds)
    return known[0]


def _feed_answer(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _with_validators(
    response: HttpResponse, etag: str, first_seen: datetime, private: bool
) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = format_datetime(first_seen.astimezone(UTC), usegmt=True)
    response["Cache-Control"] = "private, no-store" if private else PUBLIC_CACHE_CONTROL
    return response


def _not_modified(request, etag: str, modified: datetime) -> HttpResponse | None:
    if request.method not in ("GET", "HEAD"):
        return None
    unchanged = is_unchanged(
        etag,
        modified,
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
    )
    return HttpResponseNotModified() if unchanged else None


def is_unchanged(
    etag: str, modified: datetime, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """Whether a conditional request's validators match the current answer: If-None-Match
    decides when it is given, else If-Modified-Since."""
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    if if_modified_since:
        try:
            when = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        return when.tzinfo is not None and modified <= when
    return False
