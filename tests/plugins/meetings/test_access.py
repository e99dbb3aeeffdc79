"""Access matrix: who sees a series, its dates, agenda, minutes, tasks and feed entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from plugins.meetings import schedule
from plugins.meetings.models import AgendaItem, FeedToken, Occurrence, Task, Visibility
from treffpunkt.calendar.signals import calendar_entries, ical_components

pytestmark = pytest.mark.django_db
TZ = schedule.TZ
PAST_KEY = "2026-11-10"  # a second Tuesday before "today" (22 Nov 2026)

# role -> (sees network series, sees group series); everyone sees the public one
MATRIX = {
    "anonymous": (False, False),
    "outsider": (False, False),
    "network_member": (True, False),
    "member": (True, True),
    "coordinator": (True, True),
    "manager": (True, True),
    "staff": (True, True),
}
# who may read minutes and tasks of the public series (participants)
PUBLIC_PARTICIPANTS = {"network_member", "member", "coordinator", "manager", "staff"}


@pytest.fixture
def world(make_series, group, people):
    made = {}
    for visibility in Visibility.values:
        series = make_series(
            title=f"Treffen {visibility}",
            visibility=visibility,
            working_group=group,
        )
        row = Occurrence.objects.create(
            series=series,
            original_start=dt.datetime(2026, 11, 10, 17, tzinfo=TZ),
            minutes=f"<p>Protokoll {visibility}</p>",
            minutes_published_at=dt.datetime(2026, 11, 11, tzinfo=dt.UTC),
        )
        AgendaItem.objects.create(occurrence=row, title=f"Thema {visibility}", sort_order=1)
        Task.objects.create(occurrence=row, title=f"Aufgabe {visibility}", owner=people["member"])
        made[visibility] = series
    return made


def _client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def _sees(role: str, visibility: str) -> bool:
    if visibility == Visibility.PUBLIC:
        return True
    network, group = MATRIX[role]
    return network if visibility == Visibility.NETWORK else group


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("visibility", Visibility.values)
def test_pages_agenda_minutes_tasks(client, world, people, role, visibility):
    series = world[visibility]
    user = people[role]
    client = _client_for(client, user)
    sees = _sees(role, visibility)
    page = client.get(series.url, HTTP_HOST="beckum.test")
    date = client.get(
        reverse("plugins:meetings:date", args=[series.pk, PAST_KEY]), HTTP_HOST="beckum.test"
    )
    if sees:
        assert page.status_code == 200
        assert date.status_code == 200
        text = date.content.decode()
        assert f"Thema {visibility}" in text
        participates = visibility != Visibility.PUBLIC or role in PUBLIC_PARTICIPANTS
        assert (f"Protokoll {visibility}" in text) is participates
        assert (f"Aufgabe {visibility}" in text) is participates
    else:
        expected = 302 if user is None else 404
        assert page.status_code == expected
        assert date.status_code == expected
        for response in (page, date):
            assert f"Thema {visibility}".encode() not in response.content
            assert f"Protokoll {visibility}".encode() not in response.content


@pytest.mark.parametrize("role", list(MATRIX))
def test_calendar_entries_and_feeds(world, people, site, role):
    user = people[role] or AnonymousUser()
    start = dt.datetime(2026, 11, 1, tzinfo=TZ)
    end = dt.datetime(2026, 12, 1, tzinfo=TZ)
    entries = calendar_entries.collect(site, start=start, end=end, user=user, filters={})
    titles = {e.title for e in entries}
    components = ical_components.collect(site, user=people[role], filters={})
    feed_titles = {str(c["SUMMARY"]) for c in components}
    for visibility, series in world.items():
        sees = _sees(role, visibility)
        assert (series.title in titles) is sees
        assert (series.title in feed_titles) is sees


def test_public_feed_holds_public_series_only(world, site, people):
    components = ical_components.collect(site, user=None, filters={})
    assert {str(c["SUMMARY"]) for c in components} == {"Treffen public"}


@pytest.mark.parametrize("role", ["outsider", "network_member", "member"])
def test_personal_feed_by_token(client, world, people, role):
    user = people[role]
    token = FeedToken.for_user(user)
    url = reverse("plugins:meetings:feed", args=[token.token])
    response = client.get(url, HTTP_HOST="beckum.test")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for visibility, series in world.items():
        assert (f"SUMMARY:{series.title}" in body) is _sees(role, visibility)
    assert "BEGIN:VTIMEZONE" in body


def test_reset_token_locks_the_old_feed_out(client, world, people):
    user = people["member"]
    client.force_login(user)
    old = FeedToken.for_user(user).token
    old_url = reverse("plugins:meetings:feed", args=[old])
    assert client.get(old_url, HTTP_HOST="beckum.test").status_code == 200
    response = client.post(
        reverse("plugins:meetings:preferences"), {"reset_feed": "1"}, HTTP_HOST="beckum.test"
    )
    assert response.status_code == 302
    new = FeedToken.objects.get(user=user).token
    assert new != old
    client.logout()
    assert client.get(old_url, HTTP_HOST="beckum.test").status_code == 404
    new_url = reverse("plugins:meetings:feed", args=[new])
    assert b"Treffen group" in client.get(new_url, HTTP_HOST="beckum.test").content


def test_forged_token_finds_nothing(client, world):
    url = reverse("plugins:meetings:feed", args=["erfunden-" + "x" * 30])
    assert client.get(url, HTTP_HOST="beckum.test").status_code == 404


def test_private_series_stay_out_of_search(client, world):
    response = client.get("/suche/?q=Treffen", HTTP_HOST="beckum.test")
    assert response.status_code == 200
    assert b"Treffen public" in response.content
    assert b"Treffen group" not in response.content
    assert b"Treffen network" not in response.content


def test_calendar_entries_link_to_their_date_and_carry_its_uid(world, people, site):
    from plugins.meetings import schedule

    start = dt.datetime(2026, 11, 1, tzinfo=TZ)
    end = dt.datetime(2026, 12, 1, tzinfo=TZ)
    entries = calendar_entries.collect(site, start=start, end=end, user=people["staff"], filters={})
    by_title = {s.title: s for s in world.values()}
    assert entries
    for entry in entries:
        series = by_title[entry.title]
        key = entry.start.astimezone(TZ).date().isoformat()
        if not entry.extra.get("moved"):
            assert entry.url == reverse("plugins:meetings:date", args=[series.pk, key])
            assert entry.uid == f"{series.ical_uid()}-{key}"
        dates = {d.key for d in schedule.expand(series, start, end)}
        assert entry.url.rstrip("/").rsplit("/", 1)[1] in dates


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("visibility", Visibility.values)
def test_names_of_who_is_coming_only_for_those_who_take_part(
    client, world, people, role, visibility
):
    from plugins.meetings.models import Rsvp

    series = world[visibility]
    row = Occurrence.objects.get(series=series)
    Rsvp.objects.create(occurrence=row, user=people["member"], answer="yes")
    Rsvp.objects.create(occurrence=row, user=people["coordinator"], answer="maybe")
    client = _client_for(client, people[role])
    date = client.get(
        reverse("plugins:meetings:date", args=[series.pk, PAST_KEY]), HTTP_HOST="beckum.test"
    )
    text = date.content.decode()
    participates = _sees(role, visibility) and (
        visibility != Visibility.PUBLIC or role in PUBLIC_PARTICIPANTS
    )
    assert ("Amal Haddad" in text) is participates
    assert ("Petra Wessel" in text) is participates
    if participates:
        names = text.split('id="rsvp-people"', 1)[1].split("</dl>", 1)[0]
        assert names.index("Amal Haddad") < names.index("Petra Wessel")  # yes before maybe
