"""iCalendar: feeds parse with icalendar and recurring-ical-events; UIDs, SEQUENCE, VTIMEZONE."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from treffpunkt.calendar import CalendarEntry, build_feed, entries_between
from treffpunkt.calendar.signals import calendar_entries, ical_components

from .conftest import add_event

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
BERLIN = ZoneInfo("Europe/Berlin")


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents(calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_site_feed_has_vtimezone_refresh_interval_and_parses_independently(client, event):
    response = client.get("/kalender.ics", **HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = parse(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "REFRESH-INTERVAL" in calendar
    (vevent,) = vevents(calendar)
    assert vevent["UID"] == event.ical_uid("beckum.test")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    start = event.start.astimezone(BERLIN)
    found = recurring_ical_events.of(calendar).between(
        start.date(), start.date().replace(year=start.year + 1)
    )
    assert [str(e["SUMMARY"]) for e in found] == ["Begegnungscafé"]
    assert found[0]["DTSTART"].dt == start


def test_uid_stays_and_sequence_grows_on_every_change(client, event):
    first = vevents(parse(client.get("/kalender.ics", **HOST).content))[0]
    event.title = "Begegnungscafé im Familienzentrum"
    event.save_revision().publish()
    second = vevents(parse(client.get("/kalender.ics", **HOST).content))[0]
    event.refresh_from_db()
    event.start = event.start.replace(hour=16)
    event.save_revision().publish()
    third = vevents(parse(client.get("/kalender.ics", **HOST).content))[0]
    assert first["UID"] == second["UID"] == third["UID"]
    assert first["SEQUENCE"] < second["SEQUENCE"] < third["SEQUENCE"]


def test_unchanged_republish_keeps_the_sequence(event):
    before = event.ical_sequence
    event.save_revision().publish()
    event.refresh_from_db()
    assert event.ical_sequence == before


def test_cancelled_event_is_marked_cancelled(client, event):
    event.cancelled = True
    event.save_revision().publish()
    (vevent,) = vevents(parse(client.get("/kalender.ics", **HOST).content))
    assert vevent["STATUS"] == "CANCELLED"


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (date(2026, 3, 28), 1),
        (date(2026, 3, 29), 2),
        (date(2026, 10, 24), 2),
        (date(2026, 10, 25), 1),
    ],
)
def test_times_are_right_across_the_daylight_saving_change(calendar_page, day, offset):
    start = datetime(day.year, day.month, day.day, 15, 0, tzinfo=BERLIN)
    event = add_event(calendar_page, title="Treffen", start=start, registration_enabled=False)
    # the feed covers 90 days back only; these dates are fixed, so read the event's own file
    from events.ical import event_ics

    calendar = parse(event_ics(event, "http://beckum.test/"))
    (vevent,) = vevents(calendar)
    assert vevent["DTSTART"].dt == start
    assert vevent["DTSTART"].dt.utcoffset().total_seconds() == offset * 3600
    found = recurring_ical_events.of(calendar).at(day)
    assert found[0]["DTSTART"].dt.hour == 15


def test_all_day_event_uses_dates(calendar_page):
    from events.ical import event_ics

    start = datetime(2026, 12, 5, 0, 0, tzinfo=BERLIN)
    event = add_event(
        calendar_page, title="Basar", start=start, end=start.replace(hour=23), all_day=True
    )
    (vevent,) = vevents(parse(event_ics(event, "http://x/")))
    assert vevent["DTSTART"].dt == date(2026, 12, 5)
    assert vevent["DTEND"].dt == date(2026, 12, 6)


def test_feeds_per_action_field_organisation_and_working_group(
    client, calendar_page, make_event, site
):
    from networks.models import ActionField, Organisation

    language = ActionField.objects.create(name="Sprache", slug="sprache")
    caritas = Organisation.objects.create(name="Caritas", slug="caritas")
    tagged = make_event(title="Sprachcafé")
    tagged.action_fields.add(language)
    tagged.organisers.add(caritas)
    tagged.save_revision().publish()
    make_event(title="Sportfest")

    def summaries(url):
        return [str(e["SUMMARY"]) for e in vevents(parse(client.get(url, **HOST).content))]

    assert sorted(summaries("/kalender.ics")) == ["Sportfest", "Sprachcafé"]
    assert summaries(f"/kalender/handlungsfeld/{language.pk}.ics") == ["Sprachcafé"]
    assert summaries(f"/kalender/organisation/{caritas.pk}.ics") == ["Sprachcafé"]
    assert client.get("/kalender/organisation/999999.ics", **HOST).status_code == 404
    assert client.get("/kalender/arbeitsgruppe/999999.ics", **HOST).status_code == 404


def test_feed_of_one_site_holds_only_its_events(client, event, other_site):
    assert vevents(parse(client.get("/kalender.ics", HTTP_HOST="borken.test").content)) == []


def test_plugins_feed_the_calendar_through_the_extension_points(site, event):
    """A receiver (as the meetings plugin has) adds entries and VEVENTs to the same service."""
    start = event.start.replace(hour=9)

    def entries(sender, start, end, user, filters, **kwargs):
        return [
            CalendarEntry(uid="m-1@x", title="Netzwerktreffen", start=start, end=start, url="/m/")
        ]

    def components(sender, user, filters, **kwargs):
        component = icalendar.Event()
        component.add("uid", "m-1@x")
        component.add("summary", "Netzwerktreffen")
        component.add("dtstart", start)
        return [component]

    calendar_entries.connect(entries)
    ical_components.connect(components)
    try:
        listed = entries_between(
            site, None, event.start.replace(hour=0), event.end.replace(hour=23)
        )
        assert [e.title for e in listed] == ["Netzwerktreffen", "Begegnungscafé"]
        summaries = {str(e["SUMMARY"]) for e in vevents(parse(build_feed(site, None, {})))}
        assert summaries == {"Netzwerktreffen", "Begegnungscafé"}
    finally:
        calendar_entries.disconnect(entries)
        ical_components.disconnect(components)


def test_feed_queries_do_not_grow_with_events(client, calendar_page, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        add_event(calendar_page, title=f"A{i}")
    client.get("/kalender.ics", **HOST)
    add_event(calendar_page, title="A3")  # a change: the feed is built again
    with CaptureQueriesContext(connection) as few:
        client.get("/kalender.ics", **HOST)
    for i in range(20):
        add_event(calendar_page, title=f"B{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/kalender.ics", **HOST)


def test_type_filter_applies_to_entries_from_plugins(site, event):
    def entries(sender, start, end, user, filters, **kwargs):
        return [
            CalendarEntry(
                uid="m@x", title="Netzwerktreffen", start=start, end=start, url="/", kind="meeting"
            )
        ]

    calendar_entries.connect(entries)
    try:
        day = (event.start.replace(hour=0), event.end.replace(hour=23))
        assert [e.title for e in entries_between(site, None, *day, {"kind": "festival"})] == []
        assert [e.title for e in entries_between(site, None, *day, {"kind": "meeting"})] == [
            "Netzwerktreffen"
        ]
    finally:
        calendar_entries.disconnect(entries)
