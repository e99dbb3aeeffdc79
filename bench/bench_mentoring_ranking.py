"""Ranking 2,000 mentors for one mentoring application.

Sets up one programme with 2,000 mentors (languages, offers, parts of town and times drawn
from the demo's lists with a fixed seed, a fifth of them with children and police
certificates, a third with running matches) in its own SQLite database (var dir below),
then measures:

1. ``ranking.rank`` alone, the mentors already loaded with their load (pure scoring);
2. ``ranking.suggestions_for``: the two queries that load the candidates with their load,
   plus the scoring and the wording of the ten shown: what the coordinator's page waits for;
3. the same for an application with children (certificate check on every mentor).

Target (issue 19): 2,000 mentors ranked for an application in under 50 ms.

    .venv/bin/python bench/bench_mentoring_ranking.py [--mentors 2000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
VAR_DIR = Path(os.environ.get("BENCH_MENTORING_VAR_DIR", ROOT / "var" / "bench-mentoring"))
TARGET_MS = 50

LANGUAGES = ["de", "ar", "uk", "tr", "en", "ru", "fa", "ku", "ti", "so", "fr", "ps"]
AREAS = ["Innenstadt", "Neubeckum", "Vellern", "Roland", "Gemen", "Weseke", "Burlo"]


def setup_django() -> None:
    from bench.common import setup_sqlite_django

    setup_sqlite_django(VAR_DIR)


def make_data(count: int):
    import datetime as dt

    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from plugins.mentoring.models import Application, Match, MentorProfile, Offer, Programme, Slot
    from treffpunkt.core.models import HomePage

    Locale.objects.get_or_create(language_code="de")
    site = Site.objects.filter(hostname="bench-mentoring.localhost").first()
    if site is None:
        home = HomePage(title="Bench", slug="bench-mentoring", hero_title="Bench")
        Page.get_first_root_node().add_child(instance=home)
        site = Site.objects.create(
            hostname="bench-mentoring.localhost", port=80, root_page=home, site_name="Bench"
        )
    programme, _created = Programme.objects.get_or_create(site=site, name="Bench-Patenschaften")
    if programme.mentors.count() != count:
        programme.mentors.all().delete()
        programme.applications.all().delete()
        rng = random.Random(19)
        today = timezone.localdate()
        mentors = []
        for number in range(count):
            children = rng.random() < 0.2
            mentors.append(
                MentorProfile(
                    programme=programme,
                    name=f"Mentor {number:04d}",
                    email=f"mentor{number}@example.org",
                    languages=",".join(["de", *rng.sample(LANGUAGES[1:], rng.randint(0, 2))]),
                    offers=rng.sample(Offer.values, rng.randint(1, 3)),
                    area=rng.choice(AREAS),
                    availability=rng.sample(Slot.values, rng.randint(1, 3)),
                    max_matches=rng.randint(1, 3),
                    works_with_children=children,
                    police_certificate_date=(
                        today - dt.timedelta(days=rng.randint(0, 2500)) if children else None
                    ),
                )
            )
        mentors = MentorProfile.objects.bulk_create(mentors, batch_size=500)
        # a third have a running match (their own filler application each)
        fillers = Application.objects.bulk_create(
            [
                Application(
                    programme=programme,
                    status=Application.Status.MATCHED,
                    name=f"Mentee {n}",
                    email=f"mentee{n}@example.org",
                )
                for n in range(count // 3)
            ],
            batch_size=500,
        )
        Match.objects.bulk_create(
            [
                Match(
                    programme=programme,
                    application=application,
                    mentor=mentor,
                    status=Match.Status.ACTIVE,
                )
                for application, mentor in zip(fillers, mentors[::3], strict=False)
            ],
            batch_size=500,
        )
    application = Application.objects.create(
        programme=programme,
        status=Application.Status.WAITING,
        name="Bench Mentee",
        email="bench@example.org",
        languages="ar,de",
        seeks=["homework", "authorities"],
        area="Neubeckum",
        availability=["weekday_afternoon", "weekend"],
    )
    with_children = Application.objects.create(
        programme=programme,
        status=Application.Status.WAITING,
        name="Bench Family",
        email="family@example.org",
        languages="uk",
        seeks=["homework"],
        area="Innenstadt",
        availability=["weekday_afternoon"],
        with_children=True,
    )
    return programme, application, with_children


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.common import table, write_result
    from plugins.mentoring import ranking

    programme, application, with_children = make_data(args.mentors)
    loaded = list(ranking.candidates(application))
    rows = []
    results = {}
    for label, function in (
        (
            "rank() alone, mentors loaded, top 10",
            lambda: ranking.rank(application, loaded, limit=10),
        ),
        ("rank() alone, all worded", lambda: ranking.rank(application, loaded)),
        ("suggestions_for(): query + ranking", lambda: ranking.suggestions_for(application)),
        (
            "suggestions_for(), children (certificates)",
            lambda: ranking.suggestions_for(with_children),
        ),
    ):
        with CaptureQueriesContext(connection) as queries:
            function()
        cold, warm, result = timed(function, args.runs)
        results[label] = statistics.median(warm)
        rows.append(
            [
                label,
                f"{cold:.1f}",
                f"{statistics.median(warm):.1f}",
                f"{p90(warm):.1f}",
                len(queries.captured_queries),
                len(result),
            ]
        )
    ranked = len(ranking.rank(application, loaded))
    headline = results["suggestions_for(): query + ranking"]
    text = (
        f"{args.mentors} mentors in one programme (a third with a running match, a fifth "
        f"working with children), {ranked} of them can take the application; "
        f"{args.runs} warm runs, SQLite.\n\n"
        + table(
            ["what", "cold ms", "warm median ms", "warm p90 ms", "SQL queries", "results"], rows
        )
        + f"\n\nTarget: {args.mentors} mentors ranked in under {TARGET_MS} ms: "
        + (
            f"reached ({headline:.1f} ms)."
            if headline < TARGET_MS
            else f"NOT reached ({headline:.1f} ms)."
        )
        + "\n"
    )
    write_result("mentoring_ranking", "Mentoring: ranking mentors for an application", text)
    application.delete()
    with_children.delete()
    del programme
    return 0


if __name__ == "__main__":
    sys.exit(main())
