"""The meetings overview keeps what is the same for everyone who sees it (issue 15): the open
series for visitors who are not signed in, and each series' card per language and the dates
it shows. A member still gets their own series, and every change shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from wagtail.models import PageViewRestriction

from plugins.meetings import services
from plugins.meetings.models import Visibility

from .conftest import weekly

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
NOW = "2026-12-01 10:00:00+01:00"
CARD = "meetings/includes/series_card.html"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def series(make_series, meeting_index, people):
    meeting_index.save_revision().publish()
    with freeze_time(NOW):
        cafe = make_series(
            title="Sprachcafé",
            first_date=dt.date(2026, 12, 3),
            start_time=dt.time(18),
            end_time=dt.time(19, 30),
            recurrence=weekly(),
            visibility=Visibility.PUBLIC,
        )
        internal = make_series(title="Netzwerktreffen", visibility=Visibility.NETWORK)
    return cafe, internal


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **HOST)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@freeze_time(NOW)
def test_a_warm_overview_reads_no_series_and_renders_no_card(client, series, meeting_index):
    cold, _ = _get(client, meeting_index.url)
    assert CARD in {t.name for t in cold.templates}
    warm, queries = _get(Client(), meeting_index.url)
    assert CARD not in {t.name for t in warm.templates}
    assert not [q for q in queries if '"meetings_meetingseriespage"' in q]
    html = warm.content.decode()
    assert "Sprachcafé" in html and "Netzwerktreffen" not in html
    assert cold.content.decode().count('class="card"') == html.count('class="card"') == 1


@freeze_time(NOW)
def test_a_member_gets_their_own_series(client, series, meeting_index, people):
    _get(Client(), meeting_index.url)  # the open list, kept
    client.force_login(people["network_member"])
    html = _get(client, meeting_index.url)[0].content.decode()
    assert "Sprachcafé" in html and "Netzwerktreffen" in html
    assert "Netzwerktreffen" not in _get(Client(), meeting_index.url)[0].content.decode()


@freeze_time(NOW)
def test_a_cancelled_date_and_a_new_series_show_at_once(
    client, series, meeting_index, make_series, people
):
    cafe, _internal = series
    _get(client, meeting_index.url)
    services.cancel_date(cafe, "2026-12-03", people["manager"], "Krank")
    html = _get(client, meeting_index.url)[0].content.decode()
    assert "<del>" in html
    make_series(title="Nähcafé", visibility=Visibility.PUBLIC, recurrence=weekly())
    assert "Nähcafé" in _get(client, meeting_index.url)[0].content.decode()


@freeze_time(NOW)
def test_a_restricted_series_stays_out_of_the_open_list(client, series, meeting_index):
    cafe, _internal = series
    _get(client, meeting_index.url)
    with transaction.atomic():  # committed, as an editor's change is
        PageViewRestriction.objects.create(page=cafe, restriction_type="login")
    assert "Sprachcafé" not in _get(client, meeting_index.url)[0].content.decode()


@freeze_time(NOW)
def test_without_a_shared_cache_the_list_is_read_every_time(
    client, series, meeting_index, settings
):
    settings.CACHE_SHARED_BY_PROCESSES = False
    _get(client, meeting_index.url)
    warm, queries = _get(client, meeting_index.url)
    assert [q for q in queries if '"meetings_meetingseriespage"' in q]
    assert CARD in {t.name for t in warm.templates}


@freeze_time(NOW)
def test_members_with_the_same_groups_share_a_list_and_a_new_membership_shows_at_once(
    series, meeting_index, make_series, people, group, make_user, roles
):
    """A member's series depend on their roles and working groups: the list is kept per
    such audience (a warm process reads no series for the next member of it), and joining
    or leaving a group shows its series at once."""
    from networks.models import Membership

    make_series(title="AG-Treffen", visibility=Visibility.GROUP, working_group=group)
    visitors = {}
    for who in ("network_member", "member", "outsider"):
        visitors[who] = Client()
        visitors[who].force_login(people[who])
    html = _get(visitors["network_member"], meeting_index.url)[0].content.decode()
    assert "Netzwerktreffen" in html and "AG-Treffen" not in html
    html = _get(visitors["member"], meeting_index.url)[0].content.decode()
    assert "Netzwerktreffen" in html and "AG-Treffen" in html
    # no member of the network: the open series only
    html = _get(visitors["outsider"], meeting_index.url)[0].content.decode()
    assert "Sprachcafé" in html and "Netzwerktreffen" not in html

    # another member of the network without a group: the kept list, no series read
    newcomer = make_user("neu@example.org", first_name="Nils", last_name="Neu")
    newcomer.groups.add(roles[0])
    client = Client()
    client.force_login(newcomer)
    response, queries = _get(client, meeting_index.url)
    html = response.content.decode()
    assert "Netzwerktreffen" in html and "AG-Treffen" not in html
    assert not [q for q in queries if '"meetings_meetingseriespage"' in q]
    # joining the group shows its series at once, leaving it takes them away
    Membership.objects.create(working_group=group, user=newcomer, status="active")
    assert "AG-Treffen" in _get(client, meeting_index.url)[0].content.decode()
    Membership.objects.filter(user=newcomer).update(status=Membership.Status.LEFT)
    assert "AG-Treffen" not in _get(client, meeting_index.url)[0].content.decode()


@freeze_time(NOW)
def test_an_alias_in_another_towns_tree_leaves_this_overview_kept(
    series, meeting_index, other_site, make_user, roles
):
    """An alias decides by its own series' town, so an overview listing one is each signed-in
    person's own; an alias in Borken's tree changes nothing in Beckum's overview: its
    network members still share one kept list."""
    from plugins.meetings.models import MeetingIndexPage

    _cafe, internal = series
    borken = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=borken)
    borken.save_revision().publish()
    internal.create_alias(parent=borken, update_slug="netz-beckum-borken")
    first, second = make_user("erste@example.org"), make_user("zweite@example.org")
    for person in (first, second):
        person.groups.add(roles[0])
    visitor = Client()
    visitor.force_login(first)
    assert "Netzwerktreffen" in _get(visitor, meeting_index.url)[0].content.decode()
    visitor = Client()
    visitor.force_login(second)
    response, queries = _get(visitor, meeting_index.url)
    assert "Netzwerktreffen" in response.content.decode()
    assert not [q for q in queries if '"meetings_meetingseriespage"' in q]


DATES = "meetings/includes/date_link.html"


@freeze_time(NOW)
def test_a_series_page_keeps_its_date_list_and_shows_each_change_at_once(client, series, people):
    """The "Next dates" list of a series' page is kept as HTML (a warm page formats no
    date); a cancellation with its note, a moved date and the next language show at once."""
    cafe, _internal = series
    cold, _ = _get(client, cafe.url)
    assert DATES in {t.name for t in cold.templates}
    warm, _ = _get(Client(), cafe.url)
    assert DATES not in {t.name for t in warm.templates}
    assert warm.content.decode().count("<time datetime=") == cold.content.decode().count(
        "<time datetime="
    )

    services.cancel_date(cafe, "2026-12-03", people["manager"], "Raum belegt")
    html = _get(client, cafe.url)[0].content.decode()
    assert "<del>" in html and "Raum belegt" in html
    start = dt.datetime(2026, 12, 11, 17, tzinfo=dt.UTC)
    services.move_date(
        cafe, "2026-12-10", people["manager"], start, start + dt.timedelta(hours=2), note="Freitag"
    )
    html = _get(client, cafe.url)[0].content.decode()
    assert "2026-12-11T18:00:00+01:00" in html and "Freitag" in html
