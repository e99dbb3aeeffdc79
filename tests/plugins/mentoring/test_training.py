"""A programme's mentors invited to a training: the coordinator picks an upcoming event of
the town with sign-up on the coordination page; every mentor with an address gets one mail
in their language with the link to the event (its translation where there is one); once
per programme and event; no other town's, past, restricted or sign-up-less event."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from events.models import EventIndexPage
from plugins.mentoring.models import Programme, TrainingInvitation
from tests.events.conftest import add_event

from .conftest import make_mentor

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}
URL = "/patenschaften/koordination/"


@pytest.fixture
def calendar(site):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)
    page = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def training(calendar):
    return add_event(
        calendar,
        title="Schulung für Patinnen und Paten",
        start=timezone.now() + timedelta(days=10),
    )


def _invite(client, programme, event, capture=None):
    data = {"action": "training", "programme": programme.pk, "event": event.pk}
    if capture is None:
        return client.post(URL, data, **HOST)
    with capture(execute=True):
        return client.post(URL, data, **HOST)


def test_mentors_get_the_invitation_in_their_language(
    client, programme, coordinator, training, django_capture_on_commit_callbacks
):
    german = make_mentor(programme, "Jonas Weber", language="de")
    arabic = make_mentor(programme, "Nour Al-Hassan", language="ar")
    make_mentor(programme, "Deleted Mentor", email="")  # an erased account: no address
    translated = training.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    translated.title = "تدريب للمرشدين"
    translated.save_revision().publish()

    client.force_login(coordinator)
    page = client.get(URL, **HOST)
    assert page.status_code == 200 and "Schulung für Patinnen und Paten" in page.text
    mail.outbox.clear()
    response = _invite(client, programme, training, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and 'role="status"' in response.text
    invitation = TrainingInvitation.objects.get()
    assert invitation.mentors == 2 and invitation.invited_by == coordinator

    assert sorted(m.to[0] for m in mail.outbox) == sorted([german.email, arabic.email])
    to_arabic = next(m for m in mail.outbox if m.to == [arabic.email])
    to_german = next(m for m in mail.outbox if m.to == [german.email])
    assert "دعوة" in to_arabic.subject and "Einladung" in to_german.subject
    assert "تدريب للمرشدين" in to_arabic.body
    for message in (to_arabic, to_german):
        link = re.search(r"https?://beckum\.test(/\S*)", message.body).group(1)
        assert client.get(link, **HOST).status_code == 200
    assert re.search(r"beckum\.test/ar/", to_arabic.body)
    assert "/ar/" not in to_german.body

    # a second click mails no one again
    mail.outbox.clear()
    again = _invite(client, programme, training, django_capture_on_commit_callbacks)
    assert again.status_code == 400 and "error-summary" in again.text
    assert mail.outbox == [] and TrainingInvitation.objects.count() == 1


def test_only_upcoming_public_events_of_the_town_with_sign_up(
    client, programme, coordinator, calendar, other_site, django_capture_on_commit_callbacks
):
    make_mentor(programme, "Jonas Weber")
    now = timezone.now()
    past = add_event(calendar, title="Vorbei", start=now - timedelta(days=2))
    without = add_event(
        calendar, title="Ohne Anmeldung", start=now + timedelta(days=3), registration_enabled=False
    )
    restricted = add_event(calendar, title="Nur intern", start=now + timedelta(days=3))
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    borken_calendar = EventIndexPage(title="Termine", slug="termine")
    other_site.root_page.add_child(instance=borken_calendar)
    borken_calendar.save_revision().publish()
    borken = add_event(borken_calendar, title="Borkener Schulung", start=now + timedelta(days=3))

    client.force_login(coordinator)
    page = client.get(URL, **HOST)
    for title in ("Vorbei", "Ohne Anmeldung", "Nur intern", "Borkener Schulung"):
        assert title not in page.text
    mail.outbox.clear()
    for event in (past, without, restricted, borken):
        response = _invite(client, programme, event, django_capture_on_commit_callbacks)
        assert response.status_code == 400
    for bad in ({"event": "x" * 300}, {"event": "99999999999999999999"}, {"programme": ""}):
        data = {"action": "training", "programme": programme.pk, **bad}
        assert client.post(URL, data, **HOST).status_code == 400
    assert client.post(URL, {"action": "nonsense"}, **HOST).status_code == 404
    assert mail.outbox == [] and not TrainingInvitation.objects.exists()


def test_who_may_invite(
    client, programme, training, make_user, other_manager, django_capture_on_commit_callbacks
):
    make_mentor(programme, "Jonas Weber")
    sibling = Programme.objects.create(site=programme.site, name="Jobtandems", kind="job")
    outsider = make_user("job-koordination@example.org")
    sibling.coordinators.add(outsider)
    mail.outbox.clear()
    # the coordinator of another programme cannot pick this one
    client.force_login(outsider)
    assert _invite(client, programme, training).status_code == 400
    client.force_login(other_manager)
    assert _invite(client, programme, training).status_code == 404
    client.logout()
    anonymous = _invite(client, programme, training)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert mail.outbox == [] and not TrainingInvitation.objects.exists()


def test_a_town_without_events_says_so(client, programme, coordinator):
    client.force_login(coordinator)
    page = client.get("/en" + URL, **HOST)
    assert "There is no upcoming event with sign-up in this town." in page.text
