"""The calendar's folded lines and the next dates are kept per process (issue 15): what
each person may see stays theirs, every change shows at once, and time passing moves the
next date (cases of the adversarial review of the change)."""

# ruff: noqa: F811 - the events fixtures, imported above the tests that take them
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from networks import services as network_services
from networks.models import Membership
from plugins.meetings.models import Visibility
from tests.events.conftest import (  # noqa: F401
    _generous_rate_limits,
    _locales,
    calendar_page,
    make_event,
)
from treffpunkt.calendar import folded

from .conftest import weekly

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    from events.templatetags import calendar_entries

    settings.PAGE_CACHE_SECONDS = 0
    calendar_entries._kept.clear()


def _client(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _html(client, path):
    r = client.get(path, **HOST)
    assert r.status_code == 200, r.status_code
    return r.content.decode()


@pytest.fixture
def private_meeting(make_series, group):
    today = timezone.localdate()
    return make_series(
        title="AG-Geheimtreffen",
        visibility=Visibility.GROUP,
        working_group=group,
        recurrence=weekly(),
        first_date=today - dt.timedelta(days=14),
    )


@pytest.fixture
def public_meeting(make_series):
    today = timezone.localdate()
    return make_series(
        title="Offenes Netzwerktreffen",
        visibility=Visibility.PUBLIC,
        recurrence=weekly(),
        first_date=today - dt.timedelta(days=14),
    )


def test_private_meeting_never_leaks_on_calendar_or_home(
    calendar_page, private_meeting, public_meeting, people, site
):
    member = _client(people["member"])
    outsider = _client(people["outsider"])
    net = _client(people["network_member"])
    anon = Client()
    for _ in range(2):
        for path in (calendar_page.url, "/"):
            assert "AG-Geheimtreffen" in _html(member, path), path
            for other in (anon, outsider, net):
                html = _html(other, path)
                assert "AG-Geheimtreffen" not in html, path
                assert "Offenes Netzwerktreffen" in html, path


def test_leaving_the_group_drops_the_private_meeting_at_once(
    calendar_page, private_meeting, people, group
):
    member = _client(people["member"])
    assert "AG-Geheimtreffen" in _html(member, calendar_page.url)
    assert "AG-Geheimtreffen" in _html(member, "/")
    network_services.leave(people["member"], group)
    assert "AG-Geheimtreffen" not in _html(member, calendar_page.url)
    assert "AG-Geheimtreffen" not in _html(member, "/")


def test_joining_shows_private_meeting_at_once(calendar_page, private_meeting, people, group):
    net = _client(people["network_member"])
    assert "AG-Geheimtreffen" not in _html(net, calendar_page.url)
    Membership.objects.create(
        working_group=group, user=people["network_member"], status=Membership.Status.ACTIVE
    )
    assert "AG-Geheimtreffen" in _html(net, calendar_page.url)
    assert "AG-Geheimtreffen" in _html(net, "/")


def test_languages_each_their_own_lines(calendar_page, public_meeting):
    anon = Client()
    de = _html(anon, calendar_page.url)
    en = _html(anon, "/en" + calendar_page.url)
    ar = _html(anon, "/ar" + calendar_page.url)
    de2 = _html(anon, calendar_page.url)
    assert de == de2 or ("jeden" in de and "jeden" in de2)
    assert "every" in en.lower(), en[:200]
    assert "every" not in de.lower()
    assert "every" not in ar.lower()


def test_filters_keep_their_own_lines(site, public_meeting, private_meeting, people):
    assert folded(site, people["member"], filters={"kind": "event"}) == []
    lines = folded(site, people["member"], filters={"kind": "meeting"})
    assert {line.entry.title for line in lines} == {"AG-Geheimtreffen", "Offenes Netzwerktreffen"}
    assert {
        line.entry.title for line in folded(site, AnonymousUser(), filters={"kind": "meeting"})
    } == {"Offenes Netzwerktreffen"}


def test_time_passing_moves_the_next_date(site, public_meeting, make_event):
    from freezegun import freeze_time

    from tests.events.conftest import in_days

    event = make_event(title="Einmaliges Fest", start=in_days(1, 10), end=in_days(1, 12))
    with freeze_time(timezone.now()) as frozen:
        lines = folded(site, AnonymousUser())
        titles = [line.entry.title for line in lines]
        assert "Einmaliges Fest" in titles
        frozen.move_to(event.end + dt.timedelta(minutes=1))
        titles = [line.entry.title for line in folded(site, AnonymousUser())]
        assert "Einmaliges Fest" not in titles
        for line in folded(site, AnonymousUser()):
            assert line.entry.end > timezone.now()


def test_home_and_calendar_do_not_share_keys(site, public_meeting):
    a = folded(site, AnonymousUser())
    b = folded(site, AnonymousUser(), limit=40)
    assert [x.entry.title for x in a][:5] == [x.entry.title for x in b][:5]


def test_renew_kept_after_a_hand_edit_renews_the_calendar_lines(site, public_meeting):
    """After changing rows by hand, ``manage.py renew_kept`` renews what processes keep."""
    from django.core.management import call_command

    from plugins.meetings.models import MeetingSeriesPage

    titles = [line.entry.title for line in folded(site, AnonymousUser())]
    assert "Offenes Netzwerktreffen" in titles
    MeetingSeriesPage.objects.filter(pk=public_meeting.pk).update(title="Umbenannt")
    call_command("renew_kept")
    titles = [line.entry.title for line in folded(site, AnonymousUser())]
    assert "Umbenannt" in titles, titles
