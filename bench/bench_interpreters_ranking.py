"""Ranking 2,000 language mediators for one interpreting request.

Sets up one town's pool of 2,000 mediators (one to three languages with dialects and
levels, topics, ways, one or two weekly availability windows, a few absences, drawn with a
fixed seed) and a year of assignments (about two a month each, ~48,000 requests with their
assignments) in its own database, SQLite (var dir below) and PostgreSQL (its own database,
BENCH_INTERPRETERS_DATABASE_URL), each in a fresh interpreter, then measures ``ranking.rank``
for a request, which is what the dispatch and the coordinator's candidate list wait for:
the database narrows the pool (language, absences, clashing assignments with the travel
buffer, recent assignments counted for fairness), Python checks the recurring windows and
sorts.

Target (issue 18): the candidates for a request ranked among the pool in under 50 ms.

    .venv/bin/python bench/bench_interpreters_ranking.py [--mediators 2000] [--runs 20]
        [--database sqlite|postgresql]   (default: both, one after the other)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
VAR_DIR = Path(os.environ.get("BENCH_INTERPRETERS_VAR_DIR", ROOT / "var" / "bench-interpreters"))
TARGET_MS = 50
PG_URL = os.environ.get(
    "BENCH_INTERPRETERS_DATABASE_URL",
    "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_bench_interpreters",
)

# (ISO 639-3 code, weight): Arabic, Farsi/Dari, Kurdish, Ukrainian/Russian, Turkish, Tigrinya…
LANGUAGES = [
    ("ara", 20),
    ("prs", 8),
    ("pes", 8),
    ("kmr", 8),
    ("ckb", 4),
    ("ukr", 12),
    ("rus", 10),
    ("tur", 12),
    ("tir", 5),
    ("som", 3),
    ("pus", 3),
    ("eng", 7),
]
DIALECTS = {"ara": ["Syrisch", "Irakisch", "Marokkanisch", ""], "kmr": ["Badini", ""]}
TOPICS = ["health", "authorities", "school", "counselling", "housing", "other"]
MODES = ["on_site", "phone", "video"]


def setup_django(database: str) -> None:
    from bench.common import ensure_database, setup_sqlite_django

    if database == "sqlite":
        setup_sqlite_django(VAR_DIR / "sqlite")
        return
    ensure_database(PG_URL)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "TREFFPUNKT_VAR_DIR": str(VAR_DIR / "postgresql"),
            "TASKS_BACKEND": "immediate",
            "EMAIL_URL": "dummymail://",
            "DATABASE_URL": PG_URL,
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_data(count: int):
    import datetime as dt

    import recurrence
    from dateutil import rrule
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from plugins.interpreters.models import (
        Absence,
        Assignment,
        Availability,
        Mediator,
        MediatorLanguage,
        Request,
    )
    from treffpunkt.core.models import HomePage

    Locale.objects.get_or_create(language_code="de")
    site = Site.objects.filter(hostname="bench-interpreters.localhost").first()
    if site is None:
        home = HomePage(title="Bench", slug="bench-interpreters", hero_title="Bench")
        Page.get_first_root_node().add_child(instance=home)
        site = Site.objects.create(
            hostname="bench-interpreters.localhost", port=80, root_page=home, site_name="Bench"
        )
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    if Mediator.objects.filter(site=site).count() != count:
        User = get_user_model()
        with transaction.atomic():
            Request.objects.filter(site=site).delete()
            Mediator.objects.filter(site=site).delete()
            User.objects.filter(email__startswith="bench-mediator").delete()
            rng = random.Random(18)
            codes = [code for code, _ in LANGUAGES]
            weights = [weight for _, weight in LANGUAGES]
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench-mediator{n}@example.org",
                        first_name=f"M{n}",
                        password=make_password(None),  # unusable
                    )
                    for n in range(count)
                ],
                batch_size=500,
            )
            mediators = Mediator.objects.bulk_create(
                [
                    Mediator(
                        site=site,
                        user=user,
                        gender=rng.choice(["female", "male"]),
                        topics=rng.sample(TOPICS, rng.randint(0, 3)),
                        modes=rng.sample(MODES, rng.randint(0, 2)),
                        monthly_wish=rng.randint(1, 8),
                    )
                    for user in users
                ],
                batch_size=500,
            )
            languages, windows, absences = [], [], []
            for mediator in mediators:
                spoken = set(rng.choices(codes, weights, k=rng.randint(1, 3)))
                for code in spoken:
                    languages.append(
                        MediatorLanguage(
                            mediator=mediator,
                            language=code,
                            dialect=rng.choice(DIALECTS.get(code, [""])),
                            level=rng.randint(1, 3),
                        )
                    )
                for _ in range(rng.randint(1, 2)):
                    start = rng.randint(7, 14)
                    days = rng.sample(range(7), rng.randint(1, 5))
                    windows.append(
                        Availability(
                            mediator=mediator,
                            starts_on=today - dt.timedelta(days=400),
                            recurrence=recurrence.Recurrence(
                                rrules=[recurrence.Rule(rrule.WEEKLY, byday=days)]
                            ),
                            start_time=dt.time(start),
                            end_time=dt.time(min(start + rng.randint(3, 8), 22)),
                        )
                    )
                if rng.random() < 0.05:
                    first = today + dt.timedelta(days=rng.randint(-10, 20))
                    absences.append(
                        Absence(
                            mediator=mediator,
                            first_day=first,
                            last_day=first + dt.timedelta(days=rng.randint(0, 14)),
                        )
                    )
            MediatorLanguage.objects.bulk_create(languages, batch_size=1000)
            Availability.objects.bulk_create(windows, batch_size=1000)
            Absence.objects.bulk_create(absences, batch_size=1000)
            # a year of assignments, about two a month each, at whole hours on weekdays
            requests, rows = [], []
            for mediator in mediators:
                for _ in range(rng.randint(12, 36)):
                    day = today - dt.timedelta(days=rng.randint(1, 365))
                    start = dt.datetime.combine(day, dt.time(rng.randint(8, 17)), tzinfo=zone)
                    requests.append(
                        Request(
                            site=site,
                            language=rng.choices(codes, weights)[0],
                            starts_at=start,
                            duration_minutes=60,
                            mode="on_site",
                            place="Rathaus",
                            topic=rng.choice(TOPICS),
                            status=Request.Status.DONE,
                        )
                    )
                    rows.append(mediator)
            requests = Request.objects.bulk_create(requests, batch_size=2000)
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        request=request,
                        mediator=mediator,
                        starts_at=request.starts_at,
                        ends_at=request.starts_at + dt.timedelta(hours=1),
                        confirmed_minutes=60,
                    )
                    for request, mediator in zip(requests, rows, strict=True)
                ],
                batch_size=2000,
            )
    # requests a week ahead, Tuesday 10:00 on the town's clock (not saved: no offers)
    ahead = today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)
    at = dt.datetime.combine(ahead, dt.time(10), tzinfo=zone)
    plain = Request(
        site=site, language="ara", starts_at=at, mode="on_site", topic="health", place="x"
    )
    picky = Request(
        site=site,
        language="ara",
        dialect="Syrisch",
        preferred_gender="female",
        starts_at=at,
        mode="on_site",
        topic="school",
        place="x",
    )
    rare = Request(
        site=site, language="tir", starts_at=at, mode="phone", topic="authorities", place="x"
    )
    return site, plain, picky, rare


def timed(function, runs: int) -> tuple[float, list[float], object]:
    started = time.perf_counter()
    result = function()
    cold = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        warm.append((time.perf_counter() - started) * 1000)
    return cold, warm, result


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.9) - 1)]


def measure(database: str, mediators: int, runs: int) -> dict:
    """One database's figures (runs in its own interpreter: settings are read once)."""
    (VAR_DIR / database).mkdir(parents=True, exist_ok=True)
    setup_django(database)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plugins.interpreters.models import Assignment, MediatorLanguage
    from plugins.interpreters.ranking import rank

    started = time.perf_counter()
    site, plain, picky, rare = make_data(mediators)
    setup_s = time.perf_counter() - started
    speakers = (
        MediatorLanguage.objects.filter(mediator__site=site, language="ara")
        .values("mediator")
        .distinct()
        .count()
    )
    rows = []
    for label, function in (
        ("Arabic, health, on site: all candidates", lambda: rank(plain)),
        ("the same, top 5 (an 'all at once' round)", lambda: rank(plain, limit=5)),
        ("Arabic (Syrian), a woman, school", lambda: rank(picky)),
        ("Tigrinya by phone (a rarer language)", lambda: rank(rare)),
    ):
        with CaptureQueriesContext(connection) as queries:
            function()
        cold, warm, result = timed(function, runs)
        rows.append(
            {
                "label": label,
                "cold": cold,
                "median": statistics.median(warm),
                "p90": p90(warm),
                "queries": len(queries.captured_queries),
                "results": len(result),
            }
        )
    return {
        "database": database,
        "speakers": speakers,
        "assignments": Assignment.objects.filter(request__site=site).count(),
        "setup_s": setup_s,
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mediators", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", choices=("sqlite", "postgresql"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(measure(args.database, args.mediators, args.runs)))
        return 0
    from bench.common import table, write_result

    found = []
    for database in (args.database,) if args.database else ("sqlite", "postgresql"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--database", database]
            + ["--mediators", str(args.mediators), "--runs", str(args.runs)],
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        found.append(json.loads(line.removeprefix("RESULT ")))
    rows = [
        [
            result["database"],
            row["label"],
            f"{row['cold']:.1f}",
            f"{row['median']:.1f}",
            f"{row['p90']:.1f}",
            row["queries"],
            row["results"],
        ]
        for result in found
        for row in result["rows"]
    ]
    verdicts = []
    for result in found:
        headline = result["rows"][0]
        reached = headline["median"] < TARGET_MS and headline["p90"] < TARGET_MS
        verdicts.append(
            f"{result['database']}: median {headline['median']:.1f} ms, p90 "
            f"{headline['p90']:.1f} ms ({'reached' if reached else 'NOT reached'})"
        )
    first = found[0]
    text = (
        f"{args.mediators} mediators in one town's pool ({first['speakers']} speak Arabic), "
        f"{first['assignments']} assignments over the last year; {args.runs} warm runs per "
        "row; "
        + ", ".join(f"{r['database']} setup {r['setup_s']:.0f} s" for r in found)
        + ".\n\n"
        + table(
            [
                "database",
                "what",
                "cold ms",
                "warm median ms",
                "warm p90 ms",
                "SQL queries",
                "results",
            ],
            rows,
        )
        + f"\n\nTarget: candidates ranked among {args.mediators} mediators in under "
        f"{TARGET_MS} ms (all candidates of the Arabic request, median and p90): "
        + "; ".join(verdicts)
        + ".\n"
    )
    write_result("interpreters_ranking", "Interpreter pool: ranking mediators for a request", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
