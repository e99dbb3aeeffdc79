"""The calendar's iCalendar feed: a VCALENDAR holding what every contributor answers."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from icalendar import Calendar

from .entries import clean_filters
from .signals import ical_components

if TYPE_CHECKING:
    from wagtail.models import Site

#: how often calendar programs should fetch a feed again (RFC 7986 REFRESH-INTERVAL)
REFRESH_INTERVAL = timedelta(hours=6)


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Treffpunkt//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    return calendar


def to_bytes(calendar: Calendar) -> bytes:
    # Outlook needs the VTIMEZONE of every TZID used; icalendar builds it from zoneinfo.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def build_feed(site: Site, user, filters=None, *, name: str = "") -> bytes:
    """The iCalendar feed of the site (narrowed by filters), every contributor included."""
    filters = clean_filters(filters)
    calendar = new_calendar(name or site.site_name or "Treffpunkt")
    for component in ical_components.collect(site, user=user, filters=filters):
        calendar.add_component(component)
    return to_bytes(calendar)
