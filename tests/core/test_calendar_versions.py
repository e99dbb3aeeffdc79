"""A feed polled again is not built again: a few aggregate queries tell whether anything in
it changed (the feed's version), and the answer is a 304 or the body kept from the last
build. Every change a reader must see still reaches the next poll."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.events.conftest import add_event
from tests.plugins.meetings.conftest import weekly

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def world(site):
    from events.models import EventIndexPage
    from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage, Visibility

    calendar = EventIndexPage(title="Kalender", slug="kalender-seite")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    index = MeetingIndexPage(title="Treffen", slug="treffen")
    site.root_page.add_child(instance=index)
    today = dt.date.today()

    def series(n: int):
        page = MeetingSeriesPage(
            title=f"Treffen {n}",
            slug=f"treffen-{n}",
            first_date=today - dt.timedelta(days=today.weekday() + 14),
            start_time=dt.time(17),
            end_time=dt.time(19),
            recurrence=weekly(),
            location="Rathaus",
            visibility=Visibility.PUBLIC,
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        return MeetingSeriesPage.objects.get(pk=page.pk)

    return calendar, series


def poll(client, etag: str | None = None, path: str = "/kalender.ics"):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **HOST, **headers)
    return response, len(queries.captured_queries)


def summaries(response) -> list[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))


def test_an_unchanged_feed_is_answered_from_its_version_with_few_queries(client, world):
    calendar, series = world
    for n in range(3):
        add_event(calendar, title=f"Fest {n}")
        series(n)
    built, build_queries = poll(client)
    assert built.status_code == 200
    again, warm_queries = poll(client)
    assert (again.status_code, again.content, again["ETag"]) == (200, built.content, built["ETag"])
    not_modified, queries_304 = poll(client, built["ETag"])
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert warm_queries < build_queries and queries_304 <= warm_queries

    # ten times as many entries: a poll of the unchanged feed costs the same queries
    for n in range(3, 30):
        add_event(calendar, title=f"Fest {n}")
        series(n)
    bigger, _queries = poll(client)
    assert len(summaries(bigger)) == 60
    assert poll(client)[1] == warm_queries
    assert poll(client, bigger["ETag"])[1] == queries_304


def test_every_change_a_reader_must_see_reaches_the_next_poll(client, world, make_user):
    from plugins.meetings import schedule, services

    calendar, series = world
    event = add_event(calendar, title="Sprachcafé")
    other = add_event(calendar, title="Lesecafé")
    meeting = series(1)
    first, _q = poll(client)
    assert summaries(first) == ["Lesecafé", "Sprachcafé", "Treffen 1"]
    etag = first["ETag"]

    def changed() -> icalendar.Calendar:
        nonlocal etag
        response, _queries = poll(client, etag)
        assert response.status_code == 200, "the change did not reach the feed"
        assert response["ETag"] != etag
        etag = response["ETag"]
        return icalendar.Calendar.from_ical(response.content)

    # a meeting date is cancelled (no page is published: the date's own row changes)
    host = make_user("host@example.org", is_staff=True, is_superuser=True)
    now = dt.datetime.now(dt.UTC)
    future = next(
        info
        for info in schedule.expand(meeting, now, now + dt.timedelta(days=60))
        if info.start.date() > dt.date.today()
    )
    services.cancel_date(meeting, future.start.date().isoformat(), host)
    master = next(e for e in changed().walk("VEVENT") if str(e["SUMMARY"]) == "Treffen 1")
    assert "EXDATE" in master

    # an event is edited and published
    event.title = "Sprachcafé am Markt"
    event.save_revision().publish()
    assert "Sprachcafé am Markt" in [str(e["SUMMARY"]) for e in changed().walk("VEVENT")]

    # a view restriction hides an event from the public feed
    PageViewRestriction.objects.create(
        page=other, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    assert "Lesecafé" not in [str(e["SUMMARY"]) for e in changed().walk("VEVENT")]

    # an event is unpublished
    event.unpublish()
    assert [str(e["SUMMARY"]) for e in changed().walk("VEVENT")] == ["Treffen 1"]

    # nothing changed since: 304 again
    assert poll(client, etag)[0].status_code == 304


def test_the_personal_feed_follows_what_its_reader_may_see(client, site, world, make_user):
    from django.urls import reverse

    from networks.models import Membership, NetworkPage, WorkingGroupIndexPage, WorkingGroupPage
    from plugins.meetings.models import FeedToken, Visibility

    _calendar, series = world
    network = NetworkPage(title="Netzwerk Integration", slug="netzwerk")
    site.root_page.add_child(instance=network)
    groups = WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen")
    network.add_child(instance=groups)
    group = WorkingGroupPage(title="AG Wohnen", slug="ag-wohnen", purpose="Wohnraum")
    groups.add_child(instance=group)
    private = series(1)
    private.visibility = Visibility.GROUP
    private.working_group = group
    private.save_revision().publish()
    person = make_user("person@example.org")
    path = reverse("plugins:meetings:feed", args=[FeedToken.for_user(person).token])
    response, _q = poll(client, path=path)
    assert response.status_code == 200 and summaries(response) == []
    assert poll(client, response["ETag"], path)[0].status_code == 304

    # joining the group (no page changes) brings its meetings into the person's feed
    Membership.objects.bulk_create(
        [Membership(working_group=group, user=person, status=Membership.Status.ACTIVE)]
    )
    joined, _q = poll(client, response["ETag"], path)
    assert joined.status_code == 200 and summaries(joined) == ["Treffen 1"]
    # the person leaves: the next poll drops it again
    Membership.objects.filter(user=person).delete()
    left, _q = poll(client, joined["ETag"], path)
    assert left.status_code == 200 and summaries(left) == []


def test_a_recent_version_answers_polls_without_a_query_for_a_while(
    client, world, settings, make_user
):
    """With CALENDAR_FEED_VERSION_SECONDS, polls in between ask the cache, not the database;
    the change shows once the version is asked again."""
    from freezegun import freeze_time

    calendar, series = world
    add_event(calendar, title="Sprachcafé")
    series(1)
    settings.CALENDAR_FEED_VERSION_SECONDS = 0
    first, _q = poll(client)
    _r, asking = poll(client, first["ETag"])
    settings.CALENDAR_FEED_VERSION_SECONDS = 60
    poll(client)  # remembers the version
    not_modified, trusting = poll(client, first["ETag"])
    assert not_modified.status_code == 304
    assert trusting < asking

    add_event(calendar, title="Lesecafé")
    # within the minute the feed may still be the old one...
    assert poll(client, first["ETag"])[0].status_code == 304
    # ...and once its minute is over, the version is asked again and the change is there
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        changed, _q = poll(client, first["ETag"])
    assert changed.status_code == 200
    assert "Lesecafé" in summaries(changed)
