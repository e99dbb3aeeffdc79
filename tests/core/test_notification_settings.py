"""One notification-settings page for everything (issue 16): working groups, meetings, chat
and the newsletter on /konto/benachrichtigungen/, one form, one save; each section only
where it applies and only where its plugin is on."""

from __future__ import annotations

import datetime as dt

import pytest
import recurrence
from dateutil import rrule
from django.urls import reverse

from networks.models import Membership
from plugins.chat.models import NotificationPreference, Room
from plugins.meetings.models import (
    MeetingIndexPage,
    MeetingSeriesPage,
    NotificationKind,
    NotificationOptOut,
    Visibility,
)
from plugins.newsletter.models import Subscriber
from treffpunkt.accounts.roles import ensure_site_roles, make_network_member
from treffpunkt.plugins.models import PluginSettings

from ..networks.conftest import build_network

BECKUM = {"HTTP_HOST": "beckum.test"}
URL = "/konto/benachrichtigungen/"


@pytest.fixture
def world(site, make_user):
    network = build_network(site)
    ensure_site_roles(site)
    person = make_user("amal@example.org", first_name="Amal", last_name="Haddad")
    make_network_member(person, site)
    membership = Membership.objects.create(
        working_group=network.group, user=person, status=Membership.Status.ACTIVE
    )
    index = MeetingIndexPage(title="Treffen", slug="treffen-seite")
    site.root_page.add_child(instance=index)
    index.add_child(
        instance=MeetingSeriesPage(
            title="Netzwerktreffen",
            slug="netzwerktreffen",
            first_date=dt.date(2026, 1, 1),
            start_time=dt.time(17),
            end_time=dt.time(19),
            recurrence=recurrence.Recurrence(rrules=[recurrence.Rule(rrule.MONTHLY)]),
            visibility=Visibility.NETWORK,
        )
    )
    Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk Beckum")
    subscriber = Subscriber.objects.create(
        site=site, email="amal@example.org", language="de", status="confirmed"
    )
    return type("World", (), {"person": person, "membership": membership, "sub": subscriber})


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL, **BECKUM)
    assert response.status_code == 200
    return response.content.decode()


def test_url_and_dashboard_link(client, world):
    assert reverse("accounts:notifications") == URL
    client.force_login(world.person)
    html = client.get(reverse("accounts:dashboard"), **BECKUM).content.decode()
    assert f'href="{URL}"' in html and "Benachrichtigungen und E-Mails" in html
    # the places that had their own settings point to the one page
    for page in (reverse("plugins:chat:rooms"), reverse("plugins:meetings:preferences")):
        assert f'href="{URL}"' in client.get(page, **BECKUM).content.decode()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(URL, **BECKUM)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_every_section_on_one_page(client, world):
    html = _page(client, world.person)
    for legend in ("Arbeitsgruppen", "Treffen", "Chat", "Newsletter"):
        assert f"<legend>{legend}</legend>" in html
    assert f'name="groups-{world.membership.pk}" checked' in html
    assert 'name="meetings-minutes" checked' in html
    assert 'name="chat-email_mentions" checked' in html
    assert "Sie erhalten den Newsletter an amal@example.org." in html
    assert reverse("plugins:newsletter:preferences", args=[world.sub.token]) in html


def test_one_save_switches_everything_off_and_on(client, world):
    client.force_login(world.person)
    response = client.post(URL, {}, **BECKUM)
    assert response.status_code == 302 and response["Location"] == URL
    world.membership.refresh_from_db()
    assert world.membership.receive_announcements is False
    assert set(
        NotificationOptOut.objects.filter(user=world.person).values_list("kind", flat=True)
    ) == set(NotificationKind.values)
    assert NotificationPreference.wants_email(world.person) is False
    html = client.get(URL, **BECKUM).content.decode()
    assert "Ihre Einstellungen zu Benachrichtigungen wurden gespeichert." in html
    assert 'name="meetings-minutes" checked' not in html

    data = {
        f"groups-{world.membership.pk}": "on",
        "meetings-minutes": "on",
        "chat-email_mentions": "on",
    }
    client.post(URL, data, **BECKUM)
    world.membership.refresh_from_db()
    assert world.membership.receive_announcements is True
    assert not NotificationOptOut.objects.filter(user=world.person, kind="minutes").exists()
    assert NotificationOptOut.objects.filter(user=world.person, kind="invitation").exists()
    assert NotificationPreference.wants_email(world.person) is True


def test_another_persons_membership_is_never_changed(client, world, make_user):
    other = make_user("olena@example.org")
    theirs = Membership.objects.create(
        working_group=world.membership.working_group, user=other, status=Membership.Status.ACTIVE
    )
    client.force_login(world.person)
    client.post(URL, {}, **BECKUM)  # no field of theirs: would switch it off if it counted
    theirs.refresh_from_db()
    assert theirs.receive_announcements is True


def test_unverified_address_gets_no_link_to_the_subscription(client, world, make_user):
    claimant = make_user("victim@example.org", verified=False)
    victim = Subscriber.objects.create(
        site=world.sub.site, email="victim@example.org", language="de", status="confirmed"
    )
    html = _page(client, claimant)
    assert victim.token not in html
    assert "Sie erhalten den Newsletter dieser Stadt nicht." in html


def test_plugins_off_take_their_sections_along(client, world, site):
    for label in ("meetings", "chat", "newsletter"):
        PluginSettings.set_enabled(site, label, False)
    html = _page(client, world.person)
    assert "<legend>Arbeitsgruppen</legend>" in html
    for legend in ("Treffen", "Chat", "Newsletter"):
        assert f"<legend>{legend}</legend>" not in html
    client.post(URL, {}, **BECKUM)
    assert not NotificationOptOut.objects.filter(user=world.person).exists()


def test_nothing_to_choose_is_said(client, world, site, make_user):
    PluginSettings.set_enabled(site, "newsletter", False)
    html = _page(client, make_user("neu@example.org"))
    assert "Hier gibt es noch nichts einzustellen." in html
    assert "<fieldset" not in html
