"""The calendar is a core service (treffpunkt.calendar): apps fill it and declare their kinds."""

from __future__ import annotations

import pytest

from events.models import ConferencePage
from treffpunkt.calendar import clean_filters, declared_kinds, kind_choices
from treffpunkt.core.models import ContentPage
from treffpunkt.plugins.models import PluginSettings

from .conftest import add_event, in_days

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def test_kinds_are_declared_by_the_apps_that_contribute_them(site):
    keys = [kind.key for kind in declared_kinds()]
    assert keys[:3] == ["event", "conference", "festival"]  # events/ (EventsConfig)
    assert "meeting" in keys  # the meetings plugin (MeetingsConfig)
    assert clean_filters({"kind": "meeting"}) == {"kind": "meeting"}
    assert clean_filters({"kind": "workshop"}) == {}  # declared by nobody: dropped
    PluginSettings.set_enabled(site, "meetings", False)
    site.refresh_from_db()
    assert "meeting" not in dict(kind_choices(site))
    assert "meeting" in dict(kind_choices(None))


def test_filter_form_offers_the_kinds_of_the_apps_on_for_the_site(client, site, calendar_page):
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert 'value="conference"' in html and 'value="meeting"' in html
    PluginSettings.set_enabled(site, "meetings", False)
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert 'value="conference"' in html and 'value="meeting"' not in html


def test_upcoming_block_of_the_core_shows_the_declared_kind_and_links_the_calendar(
    client, site, calendar_page
):
    add_event(calendar_page, title="Sprachcafé", start=in_days(2))
    add_event(calendar_page, ConferencePage, title="Fachtag Integration", start=in_days(3))
    page = ContentPage(title="Aktuelles", slug="aktuelles")
    page.body = [("upcoming_events", {"title": "Tagungen", "limit": 5, "kind": "conference"})]
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url, **HOST).content.decode()
    assert "Tagungen" in html and "Fachtag Integration" in html
    assert "Sprachcafé" not in html
    assert f'href="{calendar_page.url}"' in html


def _upcoming(site, user=None):
    from django.contrib.auth.models import AnonymousUser

    from treffpunkt.calendar import upcoming

    return [entry.title for entry in upcoming(site, user or AnonymousUser(), limit=5)]


def test_the_next_dates_are_kept_until_content_changes(
    site, calendar_page, django_assert_num_queries
):
    """A year of dates from every contributor was asked on every home and network page."""
    from django.db import transaction

    from events.models import EventPage
    from treffpunkt.core import pagecache

    first = add_event(calendar_page, title="Sprachcafé", start=in_days(2))
    assert _upcoming(site) == ["Sprachcafé"]
    with django_assert_num_queries(0):
        assert _upcoming(site) == ["Sprachcafé"]
    add_event(calendar_page, title="Nähcafé", start=in_days(1))  # published: shows at once
    assert _upcoming(site) == ["Nähcafé", "Sprachcafé"]
    first.unpublish()
    assert _upcoming(site) == ["Nähcafé"]
    # a change made without model signals, announced as the page cache asks
    EventPage.objects.filter(title="Nähcafé").update(title="Nähcafé am Markt")
    pagecache.content_changed()
    assert _upcoming(site) == ["Nähcafé am Markt"]
    # rows read inside a change not yet committed are not kept (it may be rolled back)
    try:
        with transaction.atomic():
            add_event(calendar_page, title="Kochabend", start=in_days(1, hour=10))
            assert _upcoming(site) == ["Kochabend", "Nähcafé am Markt"]
            raise RuntimeError
    except RuntimeError:
        pass
    assert _upcoming(site) == ["Nähcafé am Markt"]


def test_the_next_dates_are_kept_no_longer_than_the_first_one_lasts(
    site, other_site, calendar_page, monkeypatch
):
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from treffpunkt.calendar import service

    kept = []
    real_set = cache.set

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith("treffpunkt:calendar:ahead:"):
            kept.append(timeout)
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    now = timezone.now()
    add_event(
        calendar_page,
        title="Läuft",
        start=now - timedelta(hours=1),
        end=now + timedelta(seconds=90),
    )
    add_event(calendar_page, title="Morgen", start=in_days(1))
    kept.clear()
    assert _upcoming(site) == ["Läuft", "Morgen"]
    assert len(kept) == 1 and 80 <= kept[0] <= 90  # over in 90 s: gone from the list then
    kept.clear()
    assert _upcoming(other_site) == []
    assert kept == [service.UPCOMING_SECONDS]  # nothing to end: the longest time


def test_the_next_dates_are_read_without_the_year_behind_them(site, calendar_page, monkeypatch):
    """A page showing the next five dates unpacked the whole year ahead (a weekly meeting
    alone is 52 entries) on every render; it reads its five, and they go when the first
    of them is over, as the year does."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    now = timezone.now()
    add_event(
        calendar_page,
        title="Läuft",
        start=now - timedelta(hours=1),
        end=now + timedelta(seconds=90),
    )
    for day in range(1, 8):
        add_event(calendar_page, title=f"Tag {day}", start=in_days(day))
    assert _upcoming(site) == ["Läuft", "Tag 1", "Tag 2", "Tag 3", "Tag 4"]

    asked, kept = [], {}
    real_get_many, real_set = cache.get_many, cache.set

    def spy_get_many(keys, *args, **kwargs):
        asked.extend(keys)
        return real_get_many(keys, *args, **kwargs)

    def spy_set(key, value, timeout=None, **kwargs):
        kept[key.split(":")[2]] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "get_many", spy_get_many)
    monkeypatch.setattr(cache, "set", spy_set)
    assert _upcoming(site) == ["Läuft", "Tag 1", "Tag 2", "Tag 3", "Tag 4"]
    # this process's copy of the five (treffpunkt.core.pagecache.keep): neither the five
    # nor the year is fetched from the cache, nor unpacked
    assert not any(key.startswith("treffpunkt:calendar:") for key in asked)
    from treffpunkt.core import pagecache

    pagecache.forget_kept()  # another process: the five from the cache, not the year
    assert _upcoming(site) == ["Läuft", "Tag 1", "Tag 2", "Tag 3", "Tag 4"]
    assert any(key.startswith("treffpunkt:calendar:next5:") for key in asked)
    assert not any(key.startswith("treffpunkt:calendar:ahead:") for key in asked)

    add_event(calendar_page, title="Heute Abend", start=now + timedelta(hours=5))
    assert _upcoming(site) == ["Läuft", "Heute Abend", "Tag 1", "Tag 2", "Tag 3"]
    assert 80 <= kept["next5"] <= 90  # "Läuft" is over in 90 s: the five are built again then
    assert 80 <= kept["ahead"] <= 90


def test_each_member_keeps_their_own_next_dates(site, calendar_page, make_user):
    from wagtail.models import PageViewRestriction

    add_event(calendar_page, title="Offenes Café", start=in_days(1))
    closed = add_event(calendar_page, title="Netzwerktreffen", start=in_days(2))
    PageViewRestriction.objects.create(page=closed, restriction_type="login")
    member = make_user("mitglied@example.org")
    assert _upcoming(site) == ["Offenes Café"]
    assert _upcoming(site, member) == ["Offenes Café", "Netzwerktreffen"]
    assert _upcoming(site) == ["Offenes Café"]  # nobody else gets the member's list


def test_each_event_in_the_visitors_language_with_only_its_chosen_page_loaded(
    site, calendar_page, django_assert_max_num_queries
):
    """Every language's page of every event was loaded whole to show one of them."""
    from django.utils import translation
    from wagtail.models import Locale

    from treffpunkt.calendar import entries_between
    from treffpunkt.core import pagecache

    both = add_event(calendar_page, title="Sprachcafé", start=in_days(1))
    for code in ("en", "ar", "uk", "tr"):
        copy = both.copy_for_translation(Locale.objects.get(language_code=code), copy_parents=True)
        copy.title = f"Sprachcafé ({code})"
        copy.save_revision().publish()
    add_event(calendar_page, title="Nur auf Deutsch", start=in_days(2))
    pagecache.content_changed()
    start, end = in_days(0, hour=0), in_days(30)
    for code, expected in (
        ("de", "Sprachcafé"),
        ("en", "Sprachcafé (en)"),
        ("ar", "Sprachcafé (ar)"),
    ):
        with translation.override(code):
            titles = [e.title for e in entries_between(site, None, start, end, {"kind": "event"})]
        assert titles == [expected, "Nur auf Deutsch"]  # untranslated: the default language
    loaded = []
    from django.db.models.signals import post_init

    from events.models import EventPage

    def count(sender, **kwargs):
        loaded.append(sender)

    post_init.connect(count, sender=EventPage)
    try:
        with translation.override("en"), django_assert_max_num_queries(5):
            entries_between(site, None, start, end, {"kind": "event"})
    finally:
        post_init.disconnect(count, sender=EventPage)
    assert len(loaded) == 2  # one page per event, not one per language


def test_the_calendar_list_asks_the_contributors_once_until_content_changes(
    client, site, calendar_page, make_user, monkeypatch
):
    """The calendar's default list (a year ahead) is what the next dates are kept from: a
    second look asks no contributor; a new event shows at once; a filter, a chosen period
    and a member each get their own list."""
    from django.db import transaction
    from wagtail.models import PageViewRestriction

    from treffpunkt.calendar import service

    asked = []
    real = service.calendar_entries.collect

    def counting(*args, **kwargs):
        asked.append(kwargs.get("filters"))
        return real(*args, **kwargs)

    monkeypatch.setattr(service.calendar_entries, "collect", counting)
    add_event(calendar_page, title="Sprachcafé", start=in_days(2))
    closed = add_event(calendar_page, title="Netzwerktreffen", start=in_days(3))
    with transaction.atomic():  # committed, as an editor's change is
        PageViewRestriction.objects.create(page=closed, restriction_type="login")

    def titles(url=calendar_page.url):
        html = client.get(url, **HOST).content.decode()
        return [t for t in ("Sprachcafé", "Nähcafé", "Netzwerktreffen") if t in html]

    assert titles() == ["Sprachcafé"]
    asked.clear()
    assert titles() == ["Sprachcafé"]
    assert asked == []  # kept
    add_event(calendar_page, title="Nähcafé", start=in_days(1))
    assert titles() == ["Sprachcafé", "Nähcafé"]
    assert titles(calendar_page.url + "?kind=meeting") == []  # a filter: its own list
    start = in_days(2).date().isoformat()
    assert titles(f"{calendar_page.url}?start={start}") == ["Sprachcafé"]  # a period: asked
    client.force_login(make_user("mitglied@example.org"))
    assert titles() == ["Sprachcafé", "Nähcafé", "Netzwerktreffen"]
    client.logout()
    assert titles() == ["Sprachcafé", "Nähcafé"]  # nobody else gets the member's list
