"""Fixtures for events/: a calendar page and events built on the shared ``site`` fixture."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from wagtail.models import Locale

from events.models import (
    ConferencePage,
    EventIndexPage,
    EventPage,
    FestivalPage,
    HelperShift,
    Workshop,
)

BERLIN = timezone.get_fixed_timezone(60)


@pytest.fixture(autouse=True)
def _locales(db):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    # Many sign-ups come from one address in tests; the rate-limit tests set their own.
    settings.EVENTS_SIGNUP_RATE_IP = (10_000, 3600)
    settings.EVENTS_SIGNUP_RATE_EMAIL = (10_000, 3600)
    # ... and hold places without the limits against booking out (test_abuse.py sets them)
    settings.EVENTS_UNCONFIRMED_SHARE = 1.0
    settings.EVENTS_UNCONFIRMED_MAX_PARTY = 10_000
    settings.EVENTS_HOLDS_PER_IP = settings.EVENTS_HOLDS_PER_EMAIL = (10_000, 3600)
    settings.EVENTS_ATTACK_POSTS = (10_000, 600)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def calendar_page(site) -> EventIndexPage:
    page = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def in_days(days: int, hour: int = 15) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def add_event(parent, model=EventPage, **fields):
    start = fields.pop("start", in_days(5))
    defaults = {
        "title": "Sprachcafé",
        "slug": None,
        "start": start,
        "end": fields.pop("end", start + timedelta(hours=3)),
        "registration_enabled": True,
    }
    defaults.update(fields)
    if defaults["slug"] is None:
        from django.utils.text import slugify

        defaults["slug"] = slugify(defaults["title"]) + f"-{model.objects.count()}"
    page = model(**defaults)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def make_event(calendar_page):
    def _make(model=EventPage, **fields):
        return add_event(calendar_page, model, **fields)

    return _make


@pytest.fixture
def event(make_event) -> EventPage:
    return make_event(title="Begegnungscafé", capacity=10, max_party_size=4)


@pytest.fixture
def festival(make_event) -> FestivalPage:
    festival = make_event(
        FestivalPage, title="Begegnungsfest", capacity=50, max_party_size=6, slug="fest"
    )
    HelperShift.objects.create(
        festival=festival, title="Aufbau", starts="10:00", ends="12:00", slots=2
    )
    HelperShift.objects.create(
        festival=festival, title="Kuchenstand", starts="14:00", ends="16:00", slots=1
    )
    return festival


@pytest.fixture
def conference(make_event) -> ConferencePage:
    conference = make_event(
        ConferencePage, title="Integrationskonferenz", capacity=100, slug="konferenz"
    )
    Workshop.objects.create(conference=conference, title="Wohnen", capacity=1)
    Workshop.objects.create(conference=conference, title="Sprache", capacity=20)
    return conference


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the engine defers to after the commit (its mails), as a real commit would.

    A test inside one transaction never commits: ``with commit(): engine.sign_up(...)``.
    Tests with ``transaction=True`` (the rush, the browser) commit for real.
    """

    def _commit():
        return django_capture_on_commit_callbacks(execute=True)

    return _commit


@pytest.fixture
def tx_site(transactional_db):
    """The ``site`` fixture for tests that commit: their database flush removes the tree root."""
    from wagtail.models import Page, Site

    from tests.conftest import make_site

    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root", locale=Locale.get_default())
    Site.objects.all().delete()
    return make_site("localhost", "Beckum", default=True)
