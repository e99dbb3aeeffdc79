"""Registration rush on one event: correctness under concurrency and sign-ups per minute.

1. Rush: 500 people sign up at the same moment (8 processes released by one barrier,
   each with its own database connection) for 100 places: exactly 100 confirmed, 400 on the waiting list, no errors.
   Then 10 cancel and the next 10 in line are promoted.
2. Throughput: anonymous sign-ups through the whole HTTP stack (Django's test client, form,
   rate limits, honeypot, the mail task enqueued in the database) on one event.

Runs on PostgreSQL (its own database, BENCH_EVENTS_DATABASE_URL) and on SQLite (a file in
its own var dir). Target (quality.md): at least 4,000 sign-ups a minute on one event.

    .venv/bin/python bench/bench_signup_rush.py [--people 500] [--places 100] [--http 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

PG_URL = os.environ.get(
    "BENCH_EVENTS_DATABASE_URL",
    "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_events_bench",
)
VAR_DIR = Path(os.environ.get("BENCH_EVENTS_VAR_DIR", ROOT / "var" / "bench-events"))
TARGET_PER_MINUTE = 4000


import multiprocessing  # noqa: E402

# Web processes, not threads: a second process is what a deployment adds, and threads would
# measure the GIL (the lock holder waiting for the interpreter) rather than the database.
CTX = multiprocessing.get_context("fork")
STATE: dict = {}


def run_in_processes(function, chunks: list) -> list:
    from django.db import connections

    connections.close_all()  # every process opens its own connection
    # and its own pool, as every web process has: a pool's threads do not survive a fork
    for connection in connections.all():
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
    with CTX.Pool(len(chunks)) as pool:
        results = pool.map(function, chunks)
    return [item for chunk in results for item in chunk]


def rush_worker(user_ids: list[int]) -> list[str]:
    from django.contrib.auth import get_user_model

    from events import registrations as engine

    users = list(get_user_model().objects.filter(pk__in=user_ids).order_by("pk"))
    errors = []
    STATE["barrier"].wait()  # everyone starts at the same moment
    for user in users:
        try:
            engine.sign_up(STATE["event"], email=user.email, user=user)
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(repr(error))
    return errors


def http_worker(numbers: list[int]) -> list[int]:
    from django.test import Client

    client = Client(HTTP_HOST="bench-events.localhost")
    STATE["barrier"].wait()
    statuses = []
    for n in numbers:
        # every sign-up is another visitor: no cookies (the redirect's flash message, which a
        # browser shows and drops, would otherwise pile up in the test client's jar)
        client.cookies.clear()
        response = client.post(STATE["url"], {"email": f"http-{n}@example.org", "name": "Bench"})
        statuses.append(response.status_code)
    return statuses


def child(database: str, people: int, places: int, http: int, workers: int) -> None:
    """Runs in a fresh interpreter per database, so settings are read once."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "treffpunkt.settings"
    os.environ["TASKS_BACKEND"] = "database"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["TREFFPUNKT_VAR_DIR"] = str(VAR_DIR / database)
    if database == "postgresql":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Thousands of sign-ups from one address through the test client: the limits per address
    # and the bounds on unconfirmed holds (the booking-out protection) are lifted, as
    # bench.settings does with BENCH_NO_SIGNUP_LIMITS, so that the HTTP run measures sign-ups
    # that hold a place rather than the protection sending them to the waiting list.
    settings.EVENTS_SIGNUP_RATE_IP = (10**9, 3600)
    settings.EVENTS_SIGNUP_RATE_EMAIL = (10**9, 3600)
    settings.EVENTS_ATTACK_POSTS = (10**9, 600)
    settings.EVENTS_HOLDS_PER_IP = (10**9, 3600)
    settings.EVENTS_UNCONFIRMED_SHARE = 1.0
    call_command("migrate", verbosity=0)

    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from events import registrations as engine
    from events.models import EventIndexPage, EventPage, Registration

    Locale.objects.get_or_create(language_code="de")
    root = Page.get_first_root_node()
    site = Site.objects.filter(hostname="bench-events.localhost").first()
    if site is None:
        from treffpunkt.core.models import HomePage

        home = HomePage(title="Bench", slug="bench-events", hero_title="Bench")
        root.add_child(instance=home)
        site = Site.objects.create(
            hostname="bench-events.localhost", port=80, root_page=home, site_name="Bench"
        )
    home = site.root_page
    calendar = EventIndexPage.objects.child_of(home).first()
    if calendar is None:
        calendar = EventIndexPage(title="Kalender", slug="kalender")
        home.add_child(instance=calendar)
    for old in EventPage.objects.child_of(calendar):
        Registration.objects.filter(event=old).delete()
        old.delete()
    start = timezone.now() + timedelta(days=7)

    def new_event(title: str, capacity: int) -> EventPage:
        event = EventPage(
            title=title,
            slug=title.lower(),
            start=start,
            end=start + timedelta(hours=3),
            registration_enabled=True,
            capacity=capacity,
        )
        calendar.add_child(instance=event)
        event.save_revision().publish()
        return event

    # The processes are forked from this one as web processes are warm after their first
    # request: the URL patterns (every plugin's views, imported for the first reverse(), which
    # a sign-up calls to find the event's site) are loaded here once, not in each process.
    from django.urls import reverse

    reverse("wagtail_serve", args=[""])

    # 1. the rush
    event = new_event("Rush", places)
    User = get_user_model()
    User.objects.filter(email__startswith="bench-rush-").delete()
    User.objects.bulk_create(User(email=f"bench-rush-{i:05d}@example.org") for i in range(people))
    users = list(User.objects.filter(email__startswith="bench-rush-").order_by("email"))
    STATE.update(event=event, barrier=CTX.Barrier(workers))
    began = time.perf_counter()
    errors = run_in_processes(
        rush_worker, [[u.pk for u in users[i::workers]] for i in range(workers)]
    )
    rush_seconds = time.perf_counter() - began
    regs = Registration.objects.filter(event=event)
    confirmed = regs.filter(status="confirmed").count()
    waiting = regs.filter(status="waiting").count()
    line = list(regs.filter(status="waiting").order_by("id").values_list("pk", flat=True))
    for registration in regs.filter(status="confirmed").order_by("?")[:10]:
        engine.cancel(registration.token)
    promoted = set(regs.filter(status="confirmed").values_list("pk", flat=True))
    in_order = set(line[:10]) <= promoted and not (set(line[10:]) & promoted)

    # 2. throughput through HTTP, anonymous sign-ups with the confirmation mail enqueued
    event = new_event("Durchsatz", http // 2)
    STATE.update(url=event.url + "anmelden/", barrier=CTX.Barrier(workers))
    began = time.perf_counter()
    statuses = run_in_processes(
        http_worker, [list(range(i, http, workers)) for i in range(workers)]
    )
    http_seconds = time.perf_counter() - began
    regs = Registration.objects.filter(event=event)
    taken = sum(r.party_size for r in regs.filter(status__in=("held", "confirmed")))
    print(
        "RESULT",
        database,
        people,
        places,
        confirmed,
        waiting,
        len(errors),
        in_order,
        f"{people / rush_seconds * 60:.0f}",
        http,
        sum(1 for s in statuses if s == 302),
        taken,
        regs.filter(status="waiting").count(),
        f"{http / http_seconds * 60:.0f}",
        sep="\t",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--places", type=int, default=100)
    parser.add_argument("--http", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--child", choices=["postgresql", "sqlite"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.people, args.places, args.http, args.workers)
        return 0

    from bench.common import ensure_database, table, write_result

    rows = []
    for database in ("postgresql", "sqlite"):
        if database == "postgresql":
            try:
                ensure_database(PG_URL)
            except (subprocess.CalledProcessError, FileNotFoundError) as error:
                print(f"PostgreSQL not available ({error}); skipping", file=sys.stderr)
                continue
        (VAR_DIR / database).mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                database,
                "--people",
                str(args.people),
                "--places",
                str(args.places),
                "--http",
                str(args.http),
                "--workers",
                str(args.workers),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT")]
        if not lines:
            print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
            return 1
        fields = lines[0].split("\t")[1:]
        rows.append(fields)

    headers = [
        "database",
        "rush: people",
        "places",
        "confirmed",
        "waiting list",
        "errors",
        "10 cancelled → next 10 promoted in order",
        "rush sign-ups/min",
        "HTTP sign-ups",
        "HTTP 302 (accepted)",
        "places taken",
        "waiting list",
        "HTTP sign-ups/min on one event",
    ]
    text = table(headers, rows)
    text += (
        f"\n\nTarget: at least {TARGET_PER_MINUTE:,} sign-ups a minute on one event. The rush "
        "signs up logged-in people (confirmed at once); the HTTP run signs up anonymous people "
        "(a held place and a confirmation mail task each) through the whole Django stack, "
        "with the test client in 8 processes; each sign-up locks the event's row."
    )
    write_result("signup_rush", "Registration rush on one event", text)
    ok = all(r[3] == str(args.places) and r[5] == "0" and r[6] == "True" for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
