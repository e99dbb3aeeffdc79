"""Deletion is true and a person gets their own data (DSGVO Art. 15, 17, 20).

Every app that keeps personal data answers the core's ``account_deleted`` and
``personal_data_export`` signals; each receiver has a test here, and the receivers of
plugins run also where the plugin is off (deletion and access are per person, every site).
"""

from __future__ import annotations

import datetime as dt
import json
from datetime import timedelta

import pytest
import recurrence
from dateutil import rrule
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from events.models import EventIndexPage, EventPage, Registration
from networks.models import (
    GroupPost,
    Membership,
    NetworkPage,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)
from plugins.chat.models import Mention, Message, Room
from plugins.chat.services import serialize
from plugins.meetings.models import (
    AgendaItem,
    FeedToken,
    MeetingIndexPage,
    MeetingSeriesPage,
    Occurrence,
    Rsvp,
    Task,
    Visibility,
)
from plugins.newsletter.models import Subscriber
from tests.conftest import PASSWORD
from treffpunkt.accounts import personal_data
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
R = Registration.Status


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def person(make_user):
    return make_user("amal@example.org", first_name="Amal", last_name="Haddad", phone="0151 1")


@pytest.fixture
def other(make_user):
    return make_user("olena@example.org", first_name="Olena", last_name="Koval")


@pytest.fixture
def event(site):
    calendar = _publish(site.root_page, EventIndexPage(title="Kalender", slug="kalender"))
    start = timezone.now() + timedelta(days=5)
    return _publish(
        calendar,
        EventPage(
            title="Sprachcafé",
            slug="sprachcafe",
            start=start,
            end=start + timedelta(hours=2),
            registration_enabled=True,
            capacity=1,
        ),
    )


@pytest.fixture
def group(site):
    network = _publish(site.root_page, NetworkPage(title="Netzwerk", slug="netzwerk"))
    index = _publish(network, WorkingGroupIndexPage(title="Arbeitsgruppen", slug="ag"))
    return _publish(index, WorkingGroupPage(title="AG Behörden", slug="ag-b", purpose="Kontakt"))


@pytest.fixture
def occurrence(site, group):
    index = _publish(site.root_page, MeetingIndexPage(title="Treffen", slug="treffen"))
    series = _publish(
        index,
        MeetingSeriesPage(
            title="AG-Treffen",
            slug="ag-treffen",
            first_date=dt.date(2026, 1, 6),
            start_time=dt.time(17),
            end_time=dt.time(19),
            recurrence=recurrence.Recurrence(rrules=[recurrence.Rule(rrule.WEEKLY)]),
            visibility=Visibility.GROUP,
            working_group=group,
        ),
    )
    return Occurrence.objects.create(
        series=series, original_start=timezone.make_aware(dt.datetime(2026, 1, 13, 17))
    )


def _register(event, **fields) -> Registration:
    values = {"kind": "visitor", "status": R.CONFIRMED, "email_confirmed": True}
    values.update(fields)
    return Registration.objects.create(event=event, **values)


def _delete(user, site):
    personal_data.delete_account(user, site)


# --- each app's receiver ---------------------------------------------------------------


def test_events_sign_ups_are_cancelled_and_anonymised_and_the_waiting_list_moves_up(
    site, event, person, other, django_capture_on_commit_callbacks
):
    own = _register(
        event, user=person, name="Amal Haddad", email=person.email, answers={"diet": "vegan"}
    )
    # a public sign-up made before the account existed, with the address typed differently
    public = _register(event, name="Amal H.", email="Amal@Example.org", status=R.WAITING)
    waiting = _register(event, user=other, name="Olena Koval", email=other.email, status=R.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        _delete(person, site)
    for registration in (own, public):
        registration.refresh_from_db()
        assert registration.status == R.CANCELLED
        assert (registration.name, registration.email, registration.answers) == ("", "", {})
        assert registration.user_id is None and registration.anonymised_at is not None
    waiting.refresh_from_db()
    assert waiting.status == R.CONFIRMED  # the freed place went to the next person
    assert waiting.email == other.email and waiting.name == "Olena Koval"
    assert not Registration.objects.filter(email__iexact=person.email).exists()


def test_an_unverified_address_of_the_account_does_not_delete_someone_elses_sign_up(
    site, event, person
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=person, email="victim@example.org", verified=False)
    theirs = _register(event, name="Victim", email="victim@example.org")
    _delete(person, site)
    theirs.refresh_from_db()
    assert theirs.email == "victim@example.org" and theirs.status == R.CONFIRMED


def test_networks_memberships_go_and_posts_stay_without_a_name(site, group, person, other):
    Membership.objects.create(
        working_group=group, user=person, status="active", message="Ich möchte mitmachen"
    )
    theirs = Membership.objects.create(working_group=group, user=other, status="active")
    post = GroupPost.objects.create(
        working_group=group, kind="minutes", title="Protokoll", body="…", author=person
    )
    from treffpunkt.signals import account_deleted

    account_deleted.send(site, user=person, email=person.email, emails=frozenset())
    assert not Membership.objects.filter(user=person).exists()
    assert Membership.objects.filter(pk=theirs.pk).exists()
    post.refresh_from_db()
    assert post.author is None and post.title == "Protokoll"


def test_newsletter_subscriptions_go_on_every_site_also_where_the_plugin_is_off(
    site, other_site, person, other
):
    PluginSettings.set_enabled(site, "newsletter", False)
    PluginSettings.set_enabled(other_site, "newsletter", False)
    Subscriber.objects.create(site=site, email=person.email, status="confirmed")
    Subscriber.objects.create(site=other_site, email="AMAL@example.org", status="confirmed")
    Subscriber.objects.create(site=other_site, email="other@example.net", user=person)
    kept = Subscriber.objects.create(site=site, email=other.email, status="confirmed")
    _delete(person, site)
    assert list(Subscriber.objects.all()) == [kept]


def test_meetings_answers_and_token_go_agenda_items_and_tasks_stay_without_a_name(
    site, occurrence, person, other
):
    PluginSettings.set_enabled(site, "meetings", False)
    Rsvp.objects.create(occurrence=occurrence, user=person, answer="yes")
    kept_rsvp = Rsvp.objects.create(occurrence=occurrence, user=other, answer="no")
    FeedToken.objects.create(user=person)
    occurrence.attendees.add(person, other)
    item = AgendaItem.objects.create(occurrence=occurrence, title="Wohnungssuche", author=person)
    task = Task.objects.create(occurrence=occurrence, title="Raum buchen", owner=person)
    _delete(person, site)
    assert list(Rsvp.objects.all()) == [kept_rsvp]
    assert not FeedToken.objects.exists()
    assert list(occurrence.attendees.all()) == [other]
    item.refresh_from_db()
    task.refresh_from_db()
    assert item.author is None and item.title == "Wohnungssuche"
    assert task.owner is None and task.title == "Raum buchen"


def test_meetings_date_page_reads_with_a_deleted_members_task(
    client, site, occurrence, person, staff
):
    Task.objects.create(occurrence=occurrence, title="Raum buchen", owner=person)
    _delete(person, site)
    client.force_login(staff)
    series = occurrence.series
    key = timezone.localtime(occurrence.original_start).date().isoformat()
    response = client.get(f"/treffen/{series.pk}/{key}/", **HOST)
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert "Raum buchen" in body and "Amal" not in body


def test_chat_messages_stay_as_from_a_deleted_member(site, person, other):
    room = Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk")
    mine = Message.objects.create(room=room, author=person, text="Hallo", html="<p>Hallo</p>")
    reply = Message.objects.create(room=room, author=other, text="@amal hi", html="hi")
    Mention.objects.create(message=reply, user=person)
    PluginSettings.set_enabled(site, "chat", False)
    _delete(person, site)
    mine.refresh_from_db()
    assert mine.author is None and mine.text == "Hallo"
    with translation.override("en"):
        assert serialize(mine)["author"] == {"id": None, "name": "deleted member"}
    assert not Mention.objects.exists()
    assert Message.objects.filter(pk=reply.pk, author=other).exists()


def test_an_account_deleted_by_staff_or_in_a_shell_loses_its_data_too(site, event, person):
    registration = _register(event, user=person, name="Amal Haddad", email=person.email)
    Subscriber.objects.create(site=site, email=person.email, status="confirmed")
    person.delete()  # what the Wagtail admin's user deletion does
    registration.refresh_from_db()
    assert registration.email == "" and registration.status == R.CANCELLED
    assert not Subscriber.objects.exists()


# --- from the outside --------------------------------------------------------------------


def test_deleting_the_account_on_the_site_removes_the_data(client, site, event, person):
    registration = _register(event, user=person, name="Amal Haddad", email=person.email)
    Subscriber.objects.create(site=site, email=person.email, status="confirmed")
    client.force_login(person)
    response = client.post("/konto/loeschen/", {"password": PASSWORD, "confirm": "on"}, **HOST)
    assert response.status_code == 302
    assert not get_user_model().objects.filter(email=person.email).exists()
    registration.refresh_from_db()
    assert registration.email == "" and registration.name == ""
    assert not Subscriber.objects.exists()
    assert client.get("/konto/", **HOST).status_code == 302  # signed out


def test_the_export_holds_every_apps_data_of_the_person_and_nothing_of_another(
    client, site, other_site, event, group, occurrence, person, other
):
    PluginSettings.set_enabled(site, "chat", False)  # a plugin that is off still answers
    _register(event, user=person, name="Amal Haddad", email=person.email, answers={"diet": "vegan"})
    _register(event, user=other, name="Olena Koval", email=other.email, status=R.WAITING)
    Membership.objects.create(
        working_group=group, user=person, status="active", message="Ich möchte mitmachen"
    )
    Membership.objects.create(
        working_group=group, user=other, status="active", message="Olenas Nachricht"
    )
    Subscriber.objects.create(site=other_site, email=person.email, status="confirmed")
    Subscriber.objects.create(site=other_site, email=other.email, status="confirmed")
    Rsvp.objects.create(occurrence=occurrence, user=person, answer="maybe")
    Rsvp.objects.create(occurrence=occurrence, user=other, answer="no")
    AgendaItem.objects.create(occurrence=occurrence, title="Amals Thema", author=person)
    AgendaItem.objects.create(occurrence=occurrence, title="Olenas Thema", author=other)
    token = FeedToken.objects.create(user=person)
    room = Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk")
    Message.objects.create(room=room, author=person, text="Amals Nachricht", html="x")
    reply = Message.objects.create(room=room, author=other, text="Olena schreibt", html="x")
    Mention.objects.create(message=reply, user=person)

    assert client.get("/konto/meine-daten.json", **HOST).status_code == 302  # login first
    client.force_login(person)
    response = client.get("/konto/meine-daten.json", **HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    data = json.loads(body)["sections"]
    assert data["account"]["email"] == person.email and data["account"]["phone"] == "0151 1"
    assert data["events"]["registrations"][0]["answers"] == {"diet": "vegan"}
    assert data["networks"]["working_group_memberships"][0]["message"] == "Ich möchte mitmachen"
    assert data["newsletter"]["subscriptions"][0]["email"] == person.email
    assert data["meetings"]["answers"][0]["answer"] == "maybe"
    assert data["meetings"]["agenda_items"][0]["topic"] == "Amals Thema"
    assert data["chat"]["messages"][0]["text"] == "Amals Nachricht"
    assert len(data["chat"]["mentions"]) == 1
    for foreign in ("olena", "Olena", "Koval", token.token):
        assert foreign not in body, foreign


def test_the_dashboard_links_the_download(client, site, person):
    client.force_login(person)
    assert "/konto/meine-daten.json" in client.get("/konto/", **HOST).content.decode()


def test_site_signal_is_not_used_for_people():
    """The person signals must reach receivers of plugins that are off (see signals.py)."""
    from treffpunkt.plugins.signals import PersonSignal, SiteSignal
    from treffpunkt.signals import account_deleted, personal_data_export

    for signal in (account_deleted, personal_data_export):
        assert isinstance(signal, PersonSignal) and not isinstance(signal, SiteSignal)
