"""Add to calendar per meeting date (.ics of one date, Google, Outlook) on the date's page and
in the working group's private space, which lists the group's next meetings (issue 16)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.urls import reverse

from plugins.meetings import schedule, services
from plugins.meetings.models import Visibility

from .conftest import weekly

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def next_dates(series, n: int = 3) -> list:
    now = dt.datetime.now(dt.UTC)
    return [
        d
        for d in schedule.expand(series, now, now + dt.timedelta(days=60))
        if d.start > now + dt.timedelta(days=1)
    ][:n]


def calendar_links(html: str) -> dict[str, str]:
    found = {}
    for href in map(unescape, re.findall(r'href="([^"]+)"', html)):
        if href.endswith(".ics"):
            found.setdefault("ics", href)
        elif href.startswith("https://calendar.google.com/calendar/render?"):
            found.setdefault("google", href)
        elif href.startswith("https://outlook.live.com/calendar/0/deeplink/compose?"):
            found.setdefault("outlook", href)
    return found


@pytest.fixture
def series(make_series, group):
    return make_series(
        title="AG Wohnen trifft sich",
        recurrence=weekly(),
        visibility=Visibility.NETWORK,
        working_group=group,
        online_url="https://meet.example.org/ag-wohnen?pwd=geheim",
    )


def test_a_date_page_offers_its_own_ics_google_and_outlook(client, series, people):
    date = next_dates(series)[0]
    client.force_login(people["member"])
    page = client.get(date.url(), **HOST)
    assert page.status_code == 200
    links = calendar_links(page.content.decode())
    assert set(links) == {"ics", "google", "outlook"}
    assert links["ics"] == f"/treffen/{series.pk}/{date.key}/termin.ics"

    utc = "%Y%m%dT%H%M%SZ"
    google = parse_qs(urlsplit(links["google"]).query)
    assert google["text"] == ["AG Wohnen trifft sich"]
    assert google["dates"] == [
        f"{date.start.astimezone(dt.UTC):{utc}}/{date.end.astimezone(dt.UTC):{utc}}"
    ]
    assert google["details"] == [f"http://beckum.test{date.url()}"]
    outlook = parse_qs(urlsplit(links["outlook"]).query)
    assert outlook["startdt"] == [f"{date.start.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"]

    response = client.get(links["ics"], **HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event["DTSTART"].dt == date.start
    assert event["DTEND"].dt == date.end
    assert str(event["SUMMARY"]) == "AG Wohnen trifft sich"
    assert str(event["UID"]).endswith(f"-{date.key}@beckum.test")
    assert "RRULE" not in event and "RECURRENCE-ID" not in event
    assert str(event["URL"]) == f"http://beckum.test{date.url()}"
    assert str(event["LOCATION"]) == "Rathaus Beckum, Raum 2"


def test_a_moved_or_cancelled_date_is_what_the_file_says(client, series, people):
    moved, cancelled = next_dates(series, 2)
    host = people["manager"]
    new_start = moved.start + dt.timedelta(days=1, hours=1)
    services.move_date(series, moved.key, host, new_start, new_start + dt.timedelta(hours=2))
    services.cancel_date(series, cancelled.key, host)
    client.force_login(people["member"])
    (event,) = icalendar.Calendar.from_ical(
        client.get(f"/treffen/{series.pk}/{moved.key}/termin.ics", **HOST).content
    ).walk("VEVENT")
    assert event["DTSTART"].dt == new_start and str(event["STATUS"]) == "CONFIRMED"
    (event,) = icalendar.Calendar.from_ical(
        client.get(f"/treffen/{series.pk}/{cancelled.key}/termin.ics", **HOST).content
    ).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    # a cancelled date's page offers nothing to add
    page = client.get(cancelled.url(), **HOST).content.decode()
    assert "termin.ics" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("outsider", 404), ("network_member", 200), ("member", 200)],
)
def test_who_may_have_the_file_of_a_date(client, series, people, role, status):
    date = next_dates(series)[0]
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(f"/treffen/{series.pk}/{date.key}/termin.ics", **HOST)
    assert response.status_code == status
    if status == 302:
        assert "/konto/" in response["Location"] or "login" in response["Location"]


def test_bad_dates_and_ids_answer_404(client, series, people):
    client.force_login(people["member"])
    date = next_dates(series)[0]
    not_a_date = (date.start + dt.timedelta(days=2)).date().isoformat()
    for path in (
        f"/treffen/{series.pk}/{not_a_date}/termin.ics",  # not a date of the series
        f"/treffen/{series.pk}/2026-13-45/termin.ics",  # no such day
        f"/treffen/999999/{date.key}/termin.ics",  # no such series
        f"/treffen/{series.pk}/{date.key}x/termin.ics",
    ):
        assert client.get(path, **HOST).status_code == 404, path


def test_the_online_link_only_for_those_who_take_part(client, make_series, people):
    public = make_series(
        title="Offenes Treffen",
        recurrence=weekly(),
        visibility=Visibility.PUBLIC,
        location="",
        online_url="https://meet.example.org/offen?pwd=geheim",
    )
    date = next_dates(public)[0]
    path = f"/treffen/{public.pk}/{date.key}/termin.ics"
    anonymous = client.get(path, **HOST)
    assert anonymous.status_code == 200
    assert b"geheim" not in anonymous.content
    client.force_login(people["network_member"])
    assert b"geheim" in client.get(path, **HOST).content


def test_the_group_space_lists_its_next_meetings_with_calendar_links(
    client, series, make_series, group, people
):
    other = make_series(title="Netzwerktreffen", recurrence=weekly(), visibility=Visibility.PUBLIC)
    dates = next_dates(series)
    services.cancel_date(series, dates[1].key, people["manager"])
    space = group.url + group.reverse_subpage("space")
    client.force_login(people["member"])
    page = client.get(space, **HOST)
    assert page.status_code == 200
    html = page.content.decode()
    section = re.search(r'<section[^>]*aria-labelledby="meetings-heading".*?</section>', html, re.S)
    assert section, "no next meetings in the group's space"
    listed = section.group(0)
    assert "AG Wohnen trifft sich" in listed and other.title not in listed
    assert reverse("plugins:meetings:date", args=[series.pk, dates[0].key]) in listed
    assert f"/treffen/{series.pk}/{dates[0].key}/termin.ics" in listed
    # the cancelled date is listed as cancelled, with nothing to add to a calendar
    assert reverse("plugins:meetings:date", args=[series.pk, dates[1].key]) in listed
    assert f"/treffen/{series.pk}/{dates[1].key}/termin.ics" not in listed
    assert "calendar.google.com" in listed and "outlook.live.com" in listed

    # someone outside the group gets no private space, so no list
    client.force_login(people["outsider"])
    assert "meetings-heading" not in client.get(space, **HOST).content.decode()
