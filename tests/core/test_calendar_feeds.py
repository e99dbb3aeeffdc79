"""The core's feed pieces: VTIMEZONE from the zone data, feed headers, one URL helper."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from treffpunkt.calendar.feeds import calendar_header, description_text, to_bytes
from treffpunkt.calendar.timezones import vtimezone
from treffpunkt.links import join_root, webcal_url

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("year", [2026, 2027, 2037, 2038, 2045, 2099])
def test_vtimezone_switches_at_the_right_instant_in_any_year(year):
    """Spring: 02:00 CET is 01:00 UTC (the clock jumps to 03:00); autumn: 03:00 CEST."""
    component = vtimezone("Europe/Berlin", 2026, 2027)
    tz = component.to_tz()
    for month in (3, 10):
        last_sunday = max(
            dt.date(year, month, d) for d in range(25, 32) if dt.date(year, month, d).weekday() == 6
        )
        switch = dt.datetime.combine(last_sunday, dt.time(1), tzinfo=dt.UTC)
        for moment in (switch - dt.timedelta(minutes=1), switch + dt.timedelta(minutes=1)):
            assert moment.astimezone(tz).utcoffset() == moment.astimezone(BERLIN).utcoffset(), (
                moment
            )


def test_vtimezone_dtstart_is_the_clock_before_the_switch():
    component = vtimezone("Europe/Berlin", 2026, 2026)
    starts = {sub.name: sub["DTSTART"].dt for sub in component.subcomponents}
    assert starts == {
        "DAYLIGHT": dt.datetime(2026, 3, 29, 2, 0),
        "STANDARD": dt.datetime(2026, 10, 25, 3, 0),
    }


def test_feed_header_durations_and_escaped_name():
    calendar = calendar_header("Beckum, Handlungsfeld; Wohnen")
    event = icalendar.Event()
    event.add("uid", "x@beckum.test")
    event.add("dtstart", dt.datetime(2026, 12, 3, 18, tzinfo=BERLIN))
    calendar.add_component(event)
    body = to_bytes(calendar)
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in body
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    assert b"X-WR-CALNAME:Beckum\\, Handlungsfeld\\; Wohnen\r\n" in body
    parsed = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_absolute_urls_are_made_once():
    assert join_root("http://localhost:8000", "/treffen/") == "http://localhost:8000/treffen/"
    assert (
        join_root("http://localhost:8000/", "http://localhost:8000/treffen/")
        == "http://localhost:8000/treffen/"
    )
    assert (
        webcal_url("https://beckum.example/kalender.ics") == "webcal://beckum.example/kalender.ics"
    )


def test_description_is_readable_plain_text(db):
    text = description_text(
        "<p>Kaffee &amp; Tee &lt;gratis&gt; &quot;offen&quot;</p>"
        "<ul><li>eins</li><li>zwei</li></ul>"
        '<p>Mehr: <a href="https://example.org/x?a=1&amp;b=2">hier</a></p>'
    )
    assert text == (
        'Kaffee & Tee <gratis> "offen"\n\n• eins\n• zwei\n\nMehr: hier (https://example.org/x?a=1&b=2)'
    )


def test_past_events_stay_in_the_feed_for_the_configured_days(client, site, settings):
    from events.models import EventIndexPage
    from tests.events.conftest import add_event, in_days

    calendar = EventIndexPage(title="Kalender", slug="kalender-seite")
    site.root_page.add_child(instance=calendar)
    for days, title in ((-200, "Vor 200 Tagen"), (-400, "Vor 400 Tagen"), (3, "Bald")):
        add_event(calendar, title=title, start=in_days(days), registration_enabled=False)

    def titles() -> set[str]:
        body = client.get("/kalender.ics", HTTP_HOST="beckum.test").content
        return {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    assert titles() == {"Vor 200 Tagen", "Bald"}  # the default: 365 days
    settings.CALENDAR_FEED_PAST_DAYS = 30
    assert titles() == {"Bald"}
    settings.CALENDAR_FEED_PAST_DAYS = 500
    assert titles() == {"Vor 400 Tagen", "Vor 200 Tagen", "Bald"}


def test_meeting_description_is_plain_text_with_absolute_links(site):
    from plugins.meetings import ical
    from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage
    from tests.plugins.meetings.conftest import weekly

    index = MeetingIndexPage(title="Treffen", slug="treffen")
    site.root_page.add_child(instance=index)
    series = MeetingSeriesPage(
        title="Netzwerktreffen",
        slug="netzwerktreffen",
        first_date=dt.date(2026, 12, 3),
        start_time=dt.time(17),
        end_time=dt.time(19),
        recurrence=weekly(),
        description=(
            "<p>Kaffee &amp; Tee für &quot;alle&quot;</p><ul><li>Ankommen</li><li>Runde</li></ul>"
            '<p><a href="/kontakt/">Kontakt</a></p>'
        ),
    )
    index.add_child(instance=series)
    body = ical.calendar(ical.components_for([series], base_url=site.root_url), "Test")
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == (
        'Kaffee & Tee für "alle"\n\n• Ankommen\n• Runde\n\nKontakt (http://beckum.test/kontakt/)'
    )
    assert b"&amp;" not in body and b"<p>" not in body
