"""A series page under a Wagtail view restriction stays restricted in calendars, feeds and
its date pages; a public series' online link (with passcode) goes only to participants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from plugins.meetings.models import FeedToken, Visibility
from treffpunkt.calendar.signals import calendar_entries, ical_components

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
LINK = "https://meet.example.org/ag-behoerden?pwd=Geheim123"


def _window():
    start = timezone.make_aware(dt.datetime(2026, 1, 1))
    return start, start + dt.timedelta(days=120)


def _titles(site, user) -> set[str]:
    start, end = _window()
    entries = calendar_entries.collect(site, start=start, end=end, user=user, filters={})
    return {e.title for e in entries}


def _feed_titles(site, user) -> set[str]:
    return {str(c["SUMMARY"]) for c in ical_components.collect(site, user=user, filters={})}


@pytest.mark.parametrize("kind", ["login", "password"])
def test_a_restricted_public_series_is_in_no_public_calendar(
    client, site, make_series, people, kind
):
    make_series(title="Offenes Treffen", visibility=Visibility.PUBLIC)
    hidden = make_series(title="Eingeschränktes Treffen", visibility=Visibility.PUBLIC)
    PageViewRestriction.objects.create(page=hidden, restriction_type=kind, password="pw")
    assert _titles(site, AnonymousUser()) == {"Offenes Treffen"}
    assert _feed_titles(site, None) == {"Offenes Treffen"}
    body = client.get("/kalender.ics", **HOST).content.decode()
    assert "Offenes Treffen" in body and "Eingeschränktes Treffen" not in body
    date = reverse("plugins:meetings:date", args=[hidden.pk, "2026-01-13"])
    response = client.get(date, **HOST)
    assert response.status_code in (302, 404)
    assert "Eingeschränktes Treffen" not in response.content.decode()
    # a signed-in person passes a login restriction, never a password one
    member = people["network_member"]
    expected = {"Offenes Treffen"} | ({"Eingeschränktes Treffen"} if kind == "login" else set())
    assert _titles(site, member) == expected
    client.force_login(member)
    assert (client.get(date, **HOST).status_code == 200) is (kind == "login")


def test_the_online_link_goes_only_to_participants(client, site, make_series, people, group):
    series = make_series(
        title="AG-Treffen online",
        visibility=Visibility.PUBLIC,
        working_group=group,
        location="",
        online_url=LINK,
    )
    start, end = _window()
    # public: calendar entries, the site feed, the calendar page, the date page
    for user in (AnonymousUser(), people["outsider"]):
        entries = calendar_entries.collect(site, start=start, end=end, user=user, filters={})
        assert entries and all(LINK not in e.location for e in entries)
    public_feed = client.get("/kalender.ics", **HOST).content.decode()
    assert "AG-Treffen online" in public_feed and "Geheim123" not in public_feed
    components = ical_components.collect(site, user=None, filters={})
    assert all("Geheim123" not in c.to_ical().decode() for c in components)
    date = reverse("plugins:meetings:date", args=[series.pk, "2026-01-13"])
    page = client.get(date, **HOST)
    assert page.status_code == 200 and "Geheim123" not in page.content.decode()
    client.force_login(people["outsider"])
    assert "Geheim123" not in client.get(date, **HOST).content.decode()
    assert "Geheim123" not in client.get(series.url, **HOST).content.decode()

    # participants: the date page and their personal feed
    member = people["member"]
    client.force_login(member)
    assert "Geheim123" in client.get(date, **HOST).content.decode()
    token = FeedToken.for_user(member).token
    feed = client.get(reverse("plugins:meetings:feed", args=[token]), **HOST)
    assert "Geheim123" in feed.content.decode().replace("\r\n ", "")
    # ... and the outsider's personal feed (the series is public) has no link
    outsider_token = FeedToken.for_user(people["outsider"]).token
    feed = client.get(reverse("plugins:meetings:feed", args=[outsider_token]), **HOST)
    body = feed.content.decode().replace("\r\n ", "")
    assert "AG-Treffen online" in body and "Geheim123" not in body
