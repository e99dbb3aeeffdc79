"""The dates of published series are expanded once per process and chrome generation, not
on every render (plugins/meetings/schedule.py, "the kept expansion"; issue 15): a warm
overview reads no date rows, no earlier rules and no translation's source page, and every
change of a date, a rule or a page shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from wagtail.models import Locale

from plugins.meetings import schedule, services
from plugins.meetings.models import MeetingSeriesPage, Occurrence, OccurrenceStatus, Visibility

from .conftest import weekly

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
TZ = schedule.TZ
NOW = "2026-12-01 10:00:00+01:00"
DATE_TABLES = ('"meetings_occurrence"', '"meetings_serieshistory"')


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def cafe(make_series, people):
    """A public weekly series (Thursdays 18:00) with a cancelled, a moved and an extra date."""
    with freeze_time(NOW):
        series = make_series(
            title="Sprachcafé",
            first_date=dt.date(2026, 12, 3),
            start_time=dt.time(18),
            end_time=dt.time(19, 30),
            recurrence=weekly(),
            visibility=Visibility.PUBLIC,
        )
        host = people["manager"]
        services.cancel_date(series, "2026-12-10", host, "Weihnachtsmarkt")
        services.move_date(
            series, "2026-12-17", host, local(2026, 12, 16, 18), local(2026, 12, 16, 19, 30)
        )
        services.add_extra_date(series, host, local(2026, 12, 5, 11), local(2026, 12, 5, 13))
    return series


def _get(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **HOST)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def _shape(dates):
    return [
        (d.series.pk, d.original_start, d.start, d.end, d.location, d.status, d.is_extra)
        for d in dates
    ]


@freeze_time(NOW)
def test_a_warm_overview_reads_no_dates_and_shows_the_exceptions(client, cafe, meeting_index):
    _html, cold = _get(client, meeting_index.url)
    assert any('"meetings_occurrence"' in sql for sql in cold)
    html, warm = _get(client, meeting_index.url)
    assert not [sql for sql in warm if any(t in sql for t in DATE_TABLES)], warm
    # the next three: Thursday the 3rd, the extra Saturday, the cancelled 10th
    assert 'datetime="2026-12-03T18:00:00+01:00"' in html
    assert 'datetime="2026-12-05T11:00:00+01:00"' in html
    assert "<del>" in html


@freeze_time(NOW)
def test_translated_series_need_no_query_each(client, make_series, meeting_index, people):
    """The overview in another language finds the source of every translated series (its
    dates live there) with one query in all, and none once warm."""
    arabic, _created = Locale.objects.get_or_create(language_code="ar")
    for n in range(4):
        series = make_series(title=f"Reihe {n}", recurrence=weekly(), visibility=Visibility.PUBLIC)
        copy = series.copy_for_translation(arabic, copy_parents=True)
        copy.save_revision().publish()
    translated_index = meeting_index.get_translation(arabic)
    cold_html, cold = _get(client, translated_index.url)
    # which series are aliases (read once per process and chrome generation: access.py)
    aliases = [sql for sql in cold if '"alias_of_id" IS NOT NULL' in sql]
    assert len(aliases) <= 1, aliases
    sources = [sql for sql in cold if '"meetings_meetingseriespage"' in sql and sql not in aliases]
    # the visible series, their sources (one query for all), and the sources read again
    # for what is kept: never one per series
    assert len(sources) <= 3, sources
    html, warm = _get(client, translated_index.url)
    # none at all: the open series of the overview are kept too (test_kept_overview.py)
    assert not [sql for sql in warm if '"meetings_meetingseriespage"' in sql]
    assert not [sql for sql in warm if any(t in sql for t in DATE_TABLES)]
    assert html.count('class="card"') == cold_html.count('class="card"') == 4


@freeze_time(NOW)
def test_each_change_of_a_date_shows_at_once(client, cafe, meeting_index, people):
    host = people["manager"]
    _get(client, meeting_index.url)
    services.cancel_date(cafe, "2026-12-05", host)  # the extra date
    html, _queries = _get(client, meeting_index.url)
    assert html.count("<del>") == 2
    services.add_extra_date(cafe, host, local(2026, 12, 2, 9), local(2026, 12, 2, 10))
    html, _queries = _get(client, meeting_index.url)
    assert 'datetime="2026-12-02T09:00:00+01:00"' in html


def test_a_new_rule_shows_at_once_and_the_past_keeps_the_old_one(client, cafe, meeting_index):
    start, end = local(2026, 12, 1), local(2027, 2, 1)
    with freeze_time(NOW):
        _get(client, meeting_index.url)
        before = schedule.expand_many([cafe], start, end, kept=True)
    held = cafe  # read before the edit, as a request running beside it would have
    with freeze_time("2026-12-20 10:00:00+01:00"):
        series = MeetingSeriesPage.objects.get(pk=cafe.pk)
        series.start_time, series.end_time = dt.time(17), dt.time(18)
        series.save_revision().publish()  # a SeriesHistory row keeps the rule before
        html, _queries = _get(client, meeting_index.url)
        assert 'datetime="2026-12-24T17:00:00+01:00"' in html
        edited = MeetingSeriesPage.objects.get(pk=cafe.pk)
        # nothing kept under the new generation comes from the object read before it
        kept_days = local(2026, 12, 19), end
        after = schedule.expand_many([held], *kept_days, kept=True)
        assert _shape(after) == _shape(schedule.expand_many([edited], *kept_days))
        assert [d.start for d in after][:2] == [local(2026, 12, 24, 17), local(2026, 12, 31, 17)]
        past = local(2026, 12, 20)
        history = [d for d in schedule.expand_many([edited], start, end) if d.start < past]
    assert _shape(history) == _shape([d for d in before if d.start < past])


@freeze_time(NOW)
def test_an_unpublished_series_leaves_the_overview(client, cafe, meeting_index):
    _get(client, meeting_index.url)
    cafe.unpublish()
    html, _queries = _get(client, meeting_index.url)
    assert "Sprachcafé" not in html


@freeze_time(NOW)
def test_kept_dates_equal_the_expansion_and_are_each_callers_own(cafe, make_series):
    other = make_series(title="AG Wohnen", recurrence=weekly(2))
    start, end = local(2026, 12, 1, 10), local(2027, 3, 1)
    fresh = schedule.expand_many([cafe, other], start, end)
    kept = schedule.expand_many([cafe, other], start, end, kept=True)
    assert _shape(kept) == _shape(fresh)
    again = schedule.expand_many([cafe, other], start, end, kept=True)
    assert _shape(again) == _shape(fresh)
    # a caller that changes what it got changes nobody else's
    cancelled = next(d for d in kept if d.cancelled)
    cancelled.row.note = "geändert"
    cancelled.extras["online"] = "https://example.org/raum"
    later = next(d for d in schedule.expand_many([cafe], start, end, kept=True) if d.cancelled)
    assert later.row.note == "Weihnachtsmarkt"
    assert later.extras == {}


def test_a_new_day_moves_the_kept_days(client, cafe, meeting_index):
    with freeze_time(NOW):
        first, _queries = _get(client, meeting_index.url)
    assert 'datetime="2026-12-05T11:00:00+01:00"' in first
    with freeze_time("2026-12-06 10:00:00+01:00"):
        html, queries = _get(client, meeting_index.url)
    assert any('"meetings_occurrence"' in sql for sql in queries)  # read for the new day
    assert 'datetime="2026-12-05T11:00:00+01:00"' not in html
    assert 'datetime="2026-12-24T18:00:00+01:00"' in html


@freeze_time(NOW)
def test_a_preview_shows_the_drafts_own_rule(rf: RequestFactory, cafe):
    page = MeetingSeriesPage.objects.get(pk=cafe.pk)
    page.start_time, page.end_time = dt.time(9), dt.time(10)  # the editor's draft
    request = rf.get("/", **HOST)
    request.user = cafe.owner or _anonymous()
    request.is_preview = True
    previewed = page.get_context(request)["upcoming"]
    assert {d.local_start.time() for d in previewed if not d.is_extra} == {dt.time(9)}
    request.is_preview = False
    published = MeetingSeriesPage.objects.get(pk=cafe.pk).get_context(request)["upcoming"]
    assert {d.local_start.time() for d in published if not d.is_extra} == {dt.time(18)}


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@freeze_time(NOW)
def test_without_a_shared_cache_a_change_made_elsewhere_shows(cafe, settings):
    """Without a shared cache each process has its own generation: a date saved in another
    process (a second worker, the task worker, a command) would not renew this one's, so
    nothing is kept across requests (found by the adversarial review)."""
    settings.CACHE_SHARED_BY_PROCESSES = False
    start, end = local(2026, 12, 1, 10), local(2027, 1, 1)
    first = schedule.expand_many([cafe], start, end, kept=True)
    assert first[0].start == local(2026, 12, 3, 18) and first[0].status == "scheduled"
    assert schedule.next_dates_by_series([cafe])[0][1][0].status == "scheduled"
    receivers = post_save.receivers  # another process's save: no receiver runs here
    post_save.receivers = []
    post_save.sender_receivers_cache.clear()
    try:
        Occurrence.objects.create(
            series=cafe, original_start=local(2026, 12, 3, 18), status=OccurrenceStatus.CANCELLED
        )
    finally:
        post_save.receivers = receivers
        post_save.sender_receivers_cache.clear()
    assert schedule.expand_many([cafe], start, end, kept=True)[0].status == "cancelled"
    assert schedule.next_dates_by_series([cafe])[0][1][0].status == "cancelled"
