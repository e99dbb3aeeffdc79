"""iCalendar feed and calendar page with 200 recurring meeting series.

Sets up 200 series (weekly, every two weeks, second Tuesday, monthly by date) each with a
cancelled, a moved and an extra date, in its own SQLite database (var dir below), then
measures:

1. building the feed of all 200 series (``plugins.meetings.ical``), cold and warm;
2. the personal feed through the whole HTTP stack (token URL);
3. the site calendar page (events' calendar, meetings merged in through its signal) and the
   meetings overview page, each with 200 series;
4. correctness: the occurrences that ``recurring-ical-events`` expands from the feed equal
   the site's own list for a year, exceptions included.

Target (quality.md): the feed of 200 series builds in under 100 ms warm.

    .venv/bin/python bench/bench_ical_feed.py [--series 200] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
VAR_DIR = Path(os.environ.get("BENCH_MEETINGS_VAR_DIR", ROOT / "var" / "bench-meetings"))
TARGET_MS = 100


def setup_django() -> None:
    from bench.common import setup_sqlite_django

    # The pages are measured for a signed-in superuser (force_login); the second factor
    # such an account must pass (the sign-in itself) is not what this benchmark measures.
    os.environ["REQUIRE_MFA_FOR_PUBLISHERS"] = "false"
    setup_sqlite_django(VAR_DIR)


def make_data(count: int):
    import datetime as dt

    import recurrence
    from dateutil import rrule
    from django.contrib.auth import get_user_model
    from wagtail.models import Locale, Page, Site

    from events.models import EventIndexPage
    from plugins.meetings import schedule
    from plugins.meetings.models import (
        MeetingIndexPage,
        MeetingSeriesPage,
        Occurrence,
        OccurrenceStatus,
        Visibility,
    )
    from treffpunkt.core.models import HomePage

    tz = schedule.TZ
    Locale.objects.get_or_create(language_code="de")
    site = Site.objects.filter(hostname="bench-meetings.localhost").first()
    if site is None:
        home = HomePage(title="Bench", slug="bench-meetings", hero_title="Bench")
        Page.get_first_root_node().add_child(instance=home)
        site = Site.objects.create(
            hostname="bench-meetings.localhost", port=80, root_page=home, site_name="Bench"
        )
    home = site.root_page
    calendar = EventIndexPage.objects.child_of(home).first()
    if calendar is None:
        calendar = EventIndexPage(title="Kalender", slug="kalender")
        home.add_child(instance=calendar)
        calendar.save_revision().publish()
    index = MeetingIndexPage.objects.child_of(home).first()
    if index is None:
        index = MeetingIndexPage(title="Treffen", slug="treffen")
        home.add_child(instance=index)
        index.save_revision().publish()
    user, _ = get_user_model().objects.get_or_create(
        email="bench@example.org", defaults={"is_staff": True, "is_superuser": True}
    )
    existing = MeetingSeriesPage.objects.child_of(index).count()
    rules = [
        recurrence.Rule(rrule.WEEKLY),
        recurrence.Rule(rrule.WEEKLY, interval=2),
        recurrence.Rule(rrule.MONTHLY, byday=[rrule.TU(2)]),
        recurrence.Rule(rrule.MONTHLY, bymonthday=[15]),
    ]
    visibilities = [Visibility.PUBLIC, Visibility.NETWORK]
    first_day = dt.date(2026, 9, 1)
    for n in range(existing, count):
        series = MeetingSeriesPage(
            title=f"Treffen {n:03d}",
            slug=f"treffen-{n:03d}",
            first_date=first_day,
            start_time=dt.time(9 + n % 10),
            end_time=dt.time(10 + n % 10, 30),
            recurrence=recurrence.Recurrence(rrules=[rules[n % 4]]),
            location=f"Raum {n % 7}",
            visibility=visibilities[n % 2],
        )
        index.add_child(instance=series)
        series.save_revision().publish()
        start = dt.datetime(2027, 1, 1, tzinfo=tz)
        dates = schedule.expand(series, start, start + dt.timedelta(days=120), rows=[])
        cancelled, moved, base = dates[0], dates[1], dates[2]
        Occurrence.objects.create(
            series=series,
            original_start=cancelled.original_start,
            status=OccurrenceStatus.CANCELLED,
            sequence=1,
        )
        Occurrence.objects.create(
            series=series,
            original_start=moved.original_start,
            status=OccurrenceStatus.MOVED,
            start=moved.start + dt.timedelta(days=1, hours=1),
            end=moved.end + dt.timedelta(days=1, hours=1),
            location="Ausweichraum",
            sequence=1,
        )
        extra = base.start + dt.timedelta(days=3)
        Occurrence.objects.create(
            series=series,
            original_start=extra,
            is_extra=True,
            start=extra,
            end=extra + dt.timedelta(hours=1),
        )
    return site, calendar, index, user


def timed(fn, runs: int) -> tuple[float, float, float]:
    """(first, median, p90) in milliseconds."""
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    first, warm = times[0], sorted(times[1:])
    return first, statistics.median(warm), warm[int(len(warm) * 0.9) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    setup_django()

    import datetime as dt

    import icalendar
    import recurring_ical_events
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.common import table, write_result
    from plugins.meetings import access, ical, schedule
    from plugins.meetings.models import FeedToken

    site, calendar, index, user = make_data(args.series)
    series = list(access.visible_series(site, user))
    assert len(series) >= args.series, len(series)

    def build() -> bytes:
        return ical.feed(series, site.root_url, "Bench")

    def build_uncached() -> bytes:
        return ical.calendar(ical.components_for(series, site.root_url), "Bench")

    rows = []
    with CaptureQueriesContext(connection) as queries:
        body = build()
    first, median, p90 = timed(build, args.runs)
    rows.append(
        ["feed of all series (build)", f"{first:.1f}", f"{median:.1f}", f"{p90:.1f}", len(queries)]
    )
    first_u, median_u, p90_u = timed(build_uncached, max(3, args.runs // 4))
    rows.append(
        [
            "feed without the per-series cache",
            f"{first_u:.1f}",
            f"{median_u:.1f}",
            f"{p90_u:.1f}",
            "-",
        ]
    )

    client = Client(HTTP_HOST="bench-meetings.localhost")
    token = FeedToken.for_user(user).token
    feed_url = reverse("plugins:meetings:feed", args=[token])
    assert client.get(feed_url).status_code == 200
    first, median_http, p90 = timed(lambda: client.get(feed_url), args.runs)
    rows.append(
        ["personal feed over HTTP", f"{first:.1f}", f"{median_http:.1f}", f"{p90:.1f}", "-"]
    )

    client.force_login(user)
    for label, url in [
        ("calendar page (events + meetings)", calendar.url),
        ("meetings overview page", index.url),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        first, med, p90 = timed(lambda url=url: client.get(url), args.runs)
        # query counts of these pages are asserted constant in tests/plugins/meetings/test_queries.py
        rows.append([label, f"{first:.1f}", f"{med:.1f}", f"{p90:.1f}", "-"])

    # correctness: the independent expander against our own list, a year
    start = dt.datetime(2026, 12, 1, tzinfo=schedule.TZ)
    end = start + dt.timedelta(days=365)
    cal = icalendar.Calendar.from_ical(body)
    theirs = sorted(
        (str(e["UID"]).split("-h")[0], e["DTSTART"].dt, e["DTEND"].dt)
        for e in recurring_ical_events.of(cal).between(start, end)
    )
    ours = sorted(
        (d.series.ical_uid(), d.start, d.end)
        for d in schedule.expand_many(series, start, end)
        if not d.cancelled
    )
    equal = theirs == ours

    headers = ["what", "cold ms", "warm median ms", "warm p90 ms", "SQL queries"]
    text = (
        f"{len(series)} series, each with one cancelled, one moved and one extra date; "
        f"feed size {len(body) // 1024} KiB; {args.runs} warm runs.\n\n"
        + table(headers, rows)
        + f"\n\nTarget: feed of 200 series under {TARGET_MS} ms warm: "
        + ("reached" if median < TARGET_MS else "NOT reached")
        + f" ({median:.1f} ms).\n"
        + f"recurring-ical-events expanded {len(theirs)} occurrences for a year from the feed; "
        + f"the site's own list has {len(ours)}: {'equal' if equal else 'DIFFERENT'}.\n"
    )
    write_result("ical_feed", "iCalendar feed and calendar page with recurring meetings", text)
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
