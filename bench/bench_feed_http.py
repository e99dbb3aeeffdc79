"""The public and the personal iCalendar feed polled through the real server, as calendar
apps poll them.

Sets up 200 recurring meeting series (each with a cancelled, a moved and an extra date) and
50 events in a PostgreSQL database of its own, starts one uvicorn process (as in the
Procfile) and asks over one kept-alive socket:

1. the feed's first answer after the server started and after a change (a built feed);
2. the same feed polled again, unchanged (the whole body, answered from the feed's version);
3. a conditional poll naming the ETag (304 Not Modified);
4. a bare Django view through the same middleware, as the yardstick of this run.

once with the in-process cache (no Redis) and once with Redis as the cache (production).
Targets (issue 12): a warm poll of the public feed with 200 series under 20 ms, a 304 under
5 ms.

    .venv/bin/python bench/bench_feed_http.py [--series 200] [--events 50] [--polls 200]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

from bench.common import ensure_database, table, write_result  # noqa: E402

PG_URL = os.environ.get(
    "BENCH_FEED_DATABASE_URL",
    "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_bench_feed",
)
REDIS_URL = os.environ.get("BENCH_FEED_REDIS_URL", "redis://127.0.0.1:6379/12")
HOST = "bench-meetings.localhost"
VAR = Path("/tmp/treffpunkt-bench-feed-var")
FULL_TARGET_MS, NOT_MODIFIED_TARGET_MS = 20, 5
VERSION_SECONDS = 3


def env(redis: str = "") -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "TREFFPUNKT_VAR_DIR": str(VAR),
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REQUIRE_MFA_FOR_PUBLISHERS": "false",
        "REDIS_URL": redis,
        "TASKS_BACKEND": "immediate",
        "EMAIL_URL": "dummymail://",
        # a feed's version is trusted this long (default 60): short here, so that the run
        # sees its own change after a short wait
        "CALENDAR_FEED_VERSION_SECONDS": str(VERSION_SECONDS),
    }


def setup_django() -> None:
    os.environ.update(env())
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_events(site, count: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from events.models import EventIndexPage, EventPage

    calendar = EventIndexPage.objects.child_of(site.root_page).first()
    existing = EventPage.objects.child_of(calendar).count()
    for n in range(existing, count):
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(
            days=n - 10, hours=n % 5
        )
        event = EventPage(
            title=f"Veranstaltung {n:03d}",
            slug=f"veranstaltung-{n:03d}",
            start=start,
            end=start + dt.timedelta(hours=2),
            location_name="Stadthalle",
            intro="Für alle, die neu in der Stadt sind.",
        )
        calendar.add_child(instance=event)
        event.save_revision().publish()


@contextlib.contextmanager
def server(redis: str):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.asgi:application", "--host", "127.0.0.1"]
        + ["--port", str(port), "--no-access-log", "--lifespan", "off", "--log-level", "warning"],
        env=env(redis),
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/__bare__", headers={"Host": HOST})
                connection.getresponse().read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        yield connection
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def ask(connection, path: str, headers: dict | None = None) -> tuple[float, int, dict, bytes]:
    t0 = time.perf_counter()
    connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    ms = (time.perf_counter() - t0) * 1000
    return ms, response.status, {k.lower(): v for k, v in response.getheaders()}, body


def polls(connection, path: str, n: int, headers: dict | None = None, status: int = 200):
    times = []
    for _ in range(n):
        ms, got, _h, _b = ask(connection, path, headers)
        assert got == status, (path, got)
        times.append(ms)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def cancel_one_date(series) -> None:
    """A change no page publication shows: one meeting date cancelled."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from plugins.meetings import schedule, services

    host = get_user_model().objects.get(email="bench@example.org")
    now = timezone.now()
    dates = schedule.expand(series, now + dt.timedelta(days=30), now + dt.timedelta(days=400))
    active = next(d for d in dates if not d.cancelled and d.row is None)
    services.cancel_date(series, active.key, host)


def measure(label: str, redis: str, paths: dict[str, str], series, n: int) -> list[list]:
    rows = []
    with server(redis) as connection:
        bare = polls(connection, "/__bare__", n)
        rows.append(
            [label, "bare Django view (yardstick)", "-", f"{bare[0]:.1f}", f"{bare[1]:.1f}"]
        )
        for name, path in paths.items():
            print(f"{label}: {name}", flush=True)
            cold, status, headers, body = ask(connection, path)
            assert status == 200 and body.startswith(b"BEGIN:VCALENDAR"), (path, status)
            full = polls(connection, path, n)
            nm = polls(connection, path, n, {"If-None-Match": headers["etag"]}, status=304)
            cancel_one_date(series)
            time.sleep(VERSION_SECONDS + 0.5)
            rebuilt, status, changed, _body = ask(
                connection, path, {"If-None-Match": headers["etag"]}
            )
            assert status == 200 and changed["etag"] != headers["etag"], "change not seen"
            rows += [
                [label, f"{name}: first answer after start", f"{cold:.1f}", "-", "-"],
                [label, f"{name}: after a change (built)", f"{rebuilt:.1f}", "-", "-"],
                [label, f"{name}: polled again (200)", "-", f"{full[0]:.1f}", f"{full[1]:.1f}"],
                [label, f"{name}: conditional (304)", "-", f"{nm[0]:.1f}", f"{nm[1]:.1f}"],
            ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--polls", type=int, default=200)
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_database(PG_URL)
    setup_django()

    from bench.bench_ical_feed import make_data
    from plugins.meetings.models import FeedToken, MeetingSeriesPage, Visibility

    site, _calendar, _index, user = make_data(args.series)
    make_events(site, args.events)
    public = MeetingSeriesPage.objects.filter(visibility=Visibility.PUBLIC).first()
    token = FeedToken.for_user(user).token
    paths = {"public feed": "/kalender.ics", "personal feed": f"/treffen/kalender/{token}.ics"}
    size = {}
    from django.test import Client

    for name, path in paths.items():
        size[name] = len(Client(HTTP_HOST=HOST).get(path).content) // 1024

    print("data ready", size, flush=True)
    rows = measure("in-process cache", "", paths, public, args.polls)
    rows += measure("Redis cache", REDIS_URL, paths, public, args.polls)
    warm = {(r[0], r[1]): r[3] for r in rows}

    def verdict(label: str, what: str, target: float) -> str:
        value = float(warm[(label, what)])
        return f"{value:.1f} ms ({'reached' if value < target else 'NOT reached'})"

    headers = ["cache", "what", "single ms", "median ms", "p90 ms"]
    text = (
        f"{args.series} meeting series (half public, each with a cancelled, a moved and an "
        f"extra date) and {args.events} events on PostgreSQL; one uvicorn process; one "
        f"kept-alive connection, {args.polls} polls per row; a feed's version trusted "
        f"{VERSION_SECONDS} s (CALENDAR_FEED_VERSION_SECONDS; default 60); public feed "
        f"{size['public feed']} KiB, personal feed {size['personal feed']} KiB.\n\n"
        + table(headers, rows)
        + "\n\nTargets: public feed polled again under "
        f"{FULL_TARGET_MS} ms: "
        + verdict("Redis cache", "public feed: polled again (200)", FULL_TARGET_MS)
        + " with Redis, "
        + verdict("in-process cache", "public feed: polled again (200)", FULL_TARGET_MS)
        + f" in-process; 304 under {NOT_MODIFIED_TARGET_MS} ms: "
        + verdict("Redis cache", "public feed: conditional (304)", NOT_MODIFIED_TARGET_MS)
        + " with Redis, "
        + verdict("in-process cache", "public feed: conditional (304)", NOT_MODIFIED_TARGET_MS)
        + " in-process.\n"
    )
    write_result("feed_http", "iCalendar feeds polled through the real server", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
