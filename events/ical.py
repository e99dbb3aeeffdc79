"""iCalendar for events: one VEVENT per event, a VCALENDAR per .ics file (feeds: the core)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Event

from treffpunkt.calendar.feeds import REFRESH_INTERVAL, new_calendar, to_bytes

__all__ = ["REFRESH_INTERVAL", "event_component", "event_ics", "new_calendar", "to_bytes"]


#: DTSTAMP of an entry never published (a constant: the feed stays byte-for-byte the same)
NEVER_PUBLISHED = datetime(2026, 1, 1, tzinfo=UTC)


def changed_at(event) -> datetime:
    """When the event's entry last changed: its last publication (DTSTAMP, LAST-MODIFIED).

    Never the time of the request: a feed that has not changed is the same bytes, so
    calendar apps can poll it with a conditional request (ETag, 304)."""
    return (
        event.last_published_at
        or event.latest_revision_created_at
        or event.first_published_at
        or NEVER_PUBLISHED
    )


def event_component(event, url: str, domain: str | None = None) -> Event:
    """The VEVENT of an event page; UID stable, SEQUENCE raised by every change."""
    tz = ZoneInfo(settings.TIME_ZONE)
    component = Event()
    component.add("uid", event.ical_uid(domain))
    component.add("summary", event.title)
    if event.all_day:
        first = timezone.localtime(event.start, tz).date()
        last = timezone.localtime(event.end, tz).date()
        component.add("dtstart", first)
        component.add("dtend", last + timedelta(days=1))  # DTEND of a date is exclusive
    else:
        component.add("dtstart", timezone.localtime(event.start, tz))
        component.add("dtend", timezone.localtime(event.end, tz))
    component.add("dtstamp", changed_at(event))
    component.add("last-modified", changed_at(event))
    component.add("sequence", event.ical_sequence)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    location = ", ".join(part for part in (event.location_name, event.address) if part)
    if location:
        component.add("location", location)
    description = event.intro or ""
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if description:
        component.add("description", description)
    component.add("url", url)
    return component


def event_ics(event, url: str) -> bytes:
    calendar = new_calendar(event.title)
    calendar.add_component(event_component(event, url))
    return to_bytes(calendar)
