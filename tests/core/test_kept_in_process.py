"""What :func:`treffpunkt.core.pagecache.keep` keeps, each process keeps a copy of too
(issue 15): read again while content stays as it was and its time lasts, it is neither
fetched from the shared cache nor unpacked. Every change that renewed the shared copy renews
this one, whichever process made it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from treffpunkt.core import pagecache, prefetch

pytestmark = pytest.mark.django_db
KEY = "test:kept-in-process"


@pytest.fixture
def made():
    return []


def _keep(made, seconds=300):
    def compute():
        made.append(1)
        return [len(made), "immer"]

    return pagecache.keep(KEY, compute, lambda _value: seconds)


def test_a_second_read_asks_the_cache_for_nothing_but_the_generation(made, cache_round_trips):
    assert _keep(made) == [1, "immer"]
    cache_round_trips.clear()
    assert _keep(made) == [1, "immer"]
    assert KEY not in cache_round_trips.all_keys()
    assert pagecache.FIRM_KEY in cache_round_trips.all_keys()


def test_another_process_reads_the_shared_copy_then_its_own(made, cache_round_trips):
    assert _keep(made) == [1, "immer"]
    pagecache.forget_kept()  # as a process that did not compute it
    cache_round_trips.clear()
    assert _keep(made) == [1, "immer"]
    assert KEY in cache_round_trips.all_keys()  # from the shared cache, not computed again
    cache_round_trips.clear()
    assert _keep(made) == [1, "immer"]
    assert KEY not in cache_round_trips.all_keys()


def test_a_content_change_in_any_process_renews_the_copy(made):
    assert _keep(made)[0] == 1
    pagecache.content_changed()  # another process's edit bumps the shared generation
    assert _keep(made)[0] == 2
    # a change made behind the signals' back, renewed by hand (manage.py renew_kept)
    from django.core.cache import cache

    cache.incr(pagecache.FIRM_KEY)
    assert _keep(made)[0] == 3


def test_the_copy_goes_when_its_time_is_over(made, monkeypatch):
    assert _keep(made, seconds=60)[0] == 1
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _keep(made, seconds=60)[0] == 2


def test_what_is_handed_out_can_be_changed_without_changing_the_copy(made):
    first = _keep(made)
    first.append("geändert")
    first[0] = 99
    assert _keep(made) == [1, "immer"]


def test_a_value_read_inside_a_change_not_committed_is_not_kept(made):
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache._changed()  # a change of content, rolled back below
        assert _keep(made)[0] == 1
        raise RuntimeError
    assert _keep(made)[0] == 2


def test_the_process_keeps_a_bounded_number(made, monkeypatch):
    monkeypatch.setattr(pagecache, "KEPT_IN_PROCESS", 3)
    for number in range(5):
        pagecache.keep(f"{KEY}:{number}", lambda number=number: number, lambda _v: 300)
    assert len(pagecache._kept) == 3
    assert f"{KEY}:0" not in pagecache._kept and f"{KEY}:4" in pagecache._kept


def test_values_of_less_than_a_second_are_kept_nowhere(made, cache_round_trips):
    assert _keep(made, seconds=0.5)[0] == 1
    assert _keep(made, seconds=0.5)[0] == 2
    assert KEY not in pagecache._kept


def test_the_calendars_folded_lines_are_kept_and_renewed_by_an_edit(site, made, monkeypatch):
    """The calendar's list folds a weekly date into one line: folded once, not per visit."""
    from django.contrib.auth.models import AnonymousUser

    from treffpunkt.calendar import folded, service

    calls = []
    real = service.ahead

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "ahead", spy)
    first = folded(site, AnonymousUser())
    assert folded(site, AnonymousUser()) == first
    assert len(calls) == 1
    pagecache.content_changed()
    folded(site, AnonymousUser())
    assert len(calls) == 2
    prefetch.forget_all()


def test_the_least_recently_used_go_first(made, monkeypatch):
    monkeypatch.setattr(pagecache, "KEPT_IN_PROCESS", 2)
    pagecache.keep(f"{KEY}:a", lambda: "a", lambda _v: 300)
    pagecache.keep(f"{KEY}:b", lambda: "b", lambda _v: 300)
    pagecache.keep(f"{KEY}:a", lambda: "not again", lambda _v: 300)  # read: used last now
    pagecache.keep(f"{KEY}:c", lambda: "c", lambda _v: 300)
    assert set(pagecache._kept) == {f"{KEY}:a", f"{KEY}:c"}


def test_renew_kept_renews_the_copies_after_a_hand_edit(made):
    """``manage.py renew_kept``, after rows were changed behind the signals' back (found by
    the review: it renewed the generations and the chrome, not what keep() keeps)."""
    import io

    from django.core.management import call_command

    assert _keep(made)[0] == 1
    call_command("renew_kept", stdout=io.StringIO())
    assert _keep(made)[0] == 2


def test_the_calendars_kept_lines_cannot_be_changed_by_a_request(site):
    """Lines are shared by the requests of a process: a line is frozen (found by the review:
    a caller setting ``line.count`` changed it for every later request)."""
    import dataclasses

    from django.contrib.auth.models import AnonymousUser

    from treffpunkt.calendar import folded
    from treffpunkt.calendar.entries import CalendarEntry
    from treffpunkt.core.agenda import AgendaLine, fold_recurring

    start = timezone.now() + timedelta(days=1)
    entries = [
        CalendarEntry(
            uid=f"u{week}",
            title="Sprachcafé",
            start=start + timedelta(weeks=week),
            end=start + timedelta(weeks=week, hours=2),
            url="/",
        )
        for week in range(3)
    ]
    (line,) = fold_recurring(entries)
    assert (line.count, line.weekday, line.weeks) == (3, timezone.localtime(start).weekday(), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.count = 999
    assert isinstance(folded(site, AnonymousUser()), list)
    assert all(isinstance(each, AgendaLine) for each in folded(site, AnonymousUser()))


def test_nothing_is_kept_here_without_a_generation_to_check_it_against(made, monkeypatch):
    """The cache lost the content generation at once (evicted between add and get): the
    process keeps no copy it could not tell is out of date."""
    from django.core.cache import cache

    real_get = cache.get
    monkeypatch.setattr(pagecache.prefetch, "read_many", lambda keys: {})
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(
        cache, "get", lambda key, *a, **k: None if key == pagecache.FIRM_KEY else real_get(key)
    )
    assert _keep(made)[0] == 1
    assert KEY not in pagecache._kept
