"""The feeds over the real server (uvicorn, PostgreSQL), polled as calendar apps poll them.

A feed answers with ETag and Last-Modified; a conditional request naming them gets 304
without a body; an unchanged feed is the same bytes on every poll (DTSTAMP and
LAST-MODIFIED are when the entry changed, never the time of the request); a change of an
event or of one meeting date changes the ETag, and the changed entry's DTSTAMP, and only
that entry's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import icalendar
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HOST = "beckum.test"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    """uvicorn as in the Procfile, on a free port, with the test database."""
    with serve(version_seconds=0) as base:  # each change reaches the very next poll
        yield base


@pytest.fixture
def trusting_server():
    """The same, trusting a feed's version for a minute (the default)."""
    with serve(version_seconds=60) as base:
        yield base


@contextlib.contextmanager
def serve(version_seconds: int):
    s = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
        "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}",
        "REDIS_URL": "",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "ERROR",
        "CALENDAR_FEED_VERSION_SECONDS": str(version_seconds),
    }
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "treffpunkt.asgi:application", "--port", str(port)]
        + ["--lifespan", "off", "--no-access-log", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _headers(message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}


def get(base: str, path: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(base + path, headers={"Host": HOST, **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _headers(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error.headers), error.read()


def stamps(body: bytes) -> dict[tuple[str, str], tuple[dt.datetime, dt.datetime]]:
    """DTSTAMP and LAST-MODIFIED of every entry, by UID and RECURRENCE-ID."""
    found = {}
    for event in icalendar.Calendar.from_ical(body).walk("VEVENT"):
        rid = event.get("RECURRENCE-ID")
        key = (str(event["UID"]), rid.to_ical().decode() if rid is not None else "")
        found[key] = (event["DTSTAMP"].dt, event["LAST-MODIFIED"].dt)
    return found


@pytest.fixture
def calendar_world(site, make_user):
    from events.models import EventIndexPage
    from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage, Visibility
    from tests.events.conftest import add_event
    from tests.plugins.meetings.conftest import weekly

    calendar = EventIndexPage(title="Kalender", slug="kalender-seite")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    event = add_event(calendar, title="Begegnungscafé")
    index = MeetingIndexPage(title="Treffen", slug="treffen")
    site.root_page.add_child(instance=index)
    today = dt.date.today()
    series = MeetingSeriesPage(
        title="Netzwerktreffen",
        slug="netzwerktreffen",
        first_date=today - dt.timedelta(days=today.weekday() + 14),  # a Monday
        start_time=dt.time(17),
        end_time=dt.time(19),
        recurrence=weekly(),
        location="Rathaus",
        visibility=Visibility.PUBLIC,
    )
    index.add_child(instance=series)
    series.save_revision().publish()
    return event, MeetingSeriesPage.objects.get(pk=series.pk)


def test_feed_answers_conditional_requests_and_changes_only_what_changed(
    server, calendar_world, make_user
):
    from plugins.meetings import schedule, services

    event, series = calendar_world
    status, headers, body = get(server, "/kalender.ics")
    assert status == 200
    assert headers["content-type"].startswith("text/calendar")
    etag, modified = headers["etag"], headers["last-modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    # an unchanged feed is the same bytes a second later (no DTSTAMP of the request)
    time.sleep(1.1)
    status, again, second = get(server, "/kalender.ics")
    assert (status, second, again["etag"], again["last-modified"]) == (200, body, etag, modified)

    # conditional GET: 304 without a body, by ETag and by date
    status, nm_headers, nothing = get(server, "/kalender.ics", **{"If-None-Match": etag})
    assert (status, nothing) == (304, b"")
    assert nm_headers["etag"] == etag
    status, _h, nothing = get(server, "/kalender.ics", **{"If-Modified-Since": modified})
    assert (status, nothing) == (304, b"")
    # another ETag or an older date: the whole feed
    assert get(server, "/kalender.ics", **{"If-None-Match": '"other"'})[0] == 200
    old = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert get(server, "/kalender.ics", **{"If-Modified-Since": old})[0] == 200
    # a broken date is no 500
    assert get(server, "/kalender.ics", **{"If-Modified-Since": "gestern"})[0] == 200

    before = stamps(body)
    series_uid = series.ical_uid(HOST)
    event_uid = event.ical_uid(HOST)
    assert {uid for uid, _rid in before} == {series_uid, event_uid}

    # a meeting date is cancelled: the series' entry gets a new DTSTAMP, the event keeps its
    host = make_user("host@example.org", is_staff=True, is_superuser=True)
    future = next(
        info
        for info in schedule.expand(
            series, dt.datetime.now(dt.UTC), dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
        )
        if info.start.date() > dt.date.today()
    )
    time.sleep(1.1)
    services.cancel_date(series, future.start.date().isoformat(), host)
    status, changed_headers, changed = get(server, "/kalender.ics", **{"If-None-Match": etag})
    assert status == 200
    assert changed_headers["etag"] != etag
    after = stamps(changed)
    assert after[(event_uid, "")] == before[(event_uid, "")]
    assert after[(series_uid, "")][0] > before[(series_uid, "")][0]
    assert after[(series_uid, "")][0] == after[(series_uid, "")][1]

    # the event is edited and published: its DTSTAMP moves, the series' stays
    event.title = "Begegnungscafé im Familienzentrum"
    event.save_revision().publish()
    status, _h, edited = get(server, "/kalender.ics", **{"If-None-Match": changed_headers["etag"]})
    assert status == 200
    last = stamps(edited)
    assert last[(event_uid, "")][0] > after[(event_uid, "")][0]
    assert last[(series_uid, "")] == after[(series_uid, "")]


def test_single_event_file_and_filtered_feeds_answer_conditional_requests(server, calendar_world):
    event, _series = calendar_world
    for path in (f"/kalender/veranstaltung/{event.pk}.ics", "/kalender.ics"):
        status, headers, _body = get(server, path)
        assert status == 200, path
        assert get(server, path, **{"If-None-Match": headers["etag"]})[0] == 304, path
        # a weak validator (as a proxy that compresses sends it back) matches too
        assert get(server, path, **{"If-None-Match": "W/" + headers["etag"]})[0] == 304


def test_a_poll_of_an_unchanged_public_feed_is_answered_before_django(
    trusting_server, calendar_world, make_user
):
    from django.urls import reverse

    from plugins.meetings.models import FeedToken

    status, headers, _body = get(trusting_server, "/kalender.ics")
    assert status == 200 and "content-security-policy" in headers  # Django's answer
    status, nm, nothing = get(
        trusting_server, "/kalender.ics", **{"If-None-Match": headers["etag"]}
    )
    assert (status, nothing) == (304, b"")
    # answered by the server's entry: none of the headers Django's middleware adds
    assert "content-security-policy" not in nm
    assert (nm["etag"], nm["last-modified"]) == (headers["etag"], headers["last-modified"])
    assert nm["cache-control"] == headers["cache-control"] == "public, max-age=900"

    # a personal feed's poll always goes through Django (its token is checked every time)
    token = FeedToken.for_user(make_user("person@example.org")).token
    path = reverse("plugins:meetings:feed", args=[token])
    status, personal, _body = get(trusting_server, path)
    assert status == 200
    status, again, _body = get(trusting_server, path, **{"If-None-Match": personal["etag"]})
    assert status == 304 and "content-security-policy" in again
