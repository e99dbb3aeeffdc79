"""Feedback when a match ends: both sides get their link by mail, a short form in their
language (right to left in Arabic), once per side; the mentor can ask for a new match; the
coordinator sees the answers; the mentee's note is anonymised with the rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from plugins.mentoring import services
from plugins.mentoring.models import Application, Feedback, Match

from .conftest import make_application

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}


def _running(programme, mentor, **extra) -> Match:
    application = make_application(programme, status=Application.Status.MATCHED, **extra)
    now = timezone.now()
    return Match.objects.create(
        programme=programme,
        application=application,
        mentor=mentor,
        status=Match.Status.ACTIVE,
        proposed_at=now - dt.timedelta(days=90),
        started_at=now - dt.timedelta(days=88),
    )


def _link(message) -> str:
    found = re.search(r"https?://beckum\.test(/\S*/antwort/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_ending_sends_both_sides_their_form_and_the_coordinator_sees_the_answers(
    client, programme, mentor, coordinator, django_capture_on_commit_callbacks
):
    match = _running(programme, mentor)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        ended = client.post(
            reverse("plugins:mentoring:match", args=[match.pk]),
            {"action": "end", "reason": "goal"},
            **HOST,
        )
    assert ended.status_code == 302
    client.logout()
    by_address = {message.to[0]: message for message in mail.outbox}
    mentee_link = _link(by_address["rania@example.org"])
    mentor_link = _link(by_address["mentor@example.org"])
    assert mentee_link.startswith("/ar/")

    # the mentee's form: Arabic, right to left, no "new match" question
    page = client.get(mentee_link, **HOST)
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    assert 'value="feedback"' in page.text and 'name="new_match"' not in page.text
    sent = client.post(
        mentee_link,
        {"action": "feedback", "mood": "good", "note": "شكرا جزيلا", "new_match": "on"},
        **HOST,
    )
    assert sent.status_code == 200 and 'value="feedback"' not in sent.text
    (answer,) = Feedback.objects.all()
    assert (answer.side, answer.mood, answer.note, answer.new_match) == (
        "mentee",
        "good",
        "شكرا جزيلا",
        False,
    )
    # a second answer of the same side changes nothing
    client.post(mentee_link, {"action": "feedback", "mood": "difficult"}, **HOST)
    assert Feedback.objects.get(side="mentee").mood == "good"

    # the mentor asks for a new match: the coordinators hear of it
    assert 'name="new_match"' in client.get(mentor_link, **HOST).text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            mentor_link,
            {"action": "feedback", "mood": "ok", "note": "Gern wieder", "new_match": "on"},
            **HOST,
        )
    assert Feedback.objects.get(side="mentor").new_match is True
    (notice,) = mail.outbox
    assert notice.to == ["koordination@example.org"] and mentor.name in notice.body

    client.force_login(coordinator)
    detail = client.get("/en" + reverse("plugins:mentoring:match", args=[match.pk]), **HOST)
    assert "شكرا جزيلا" in detail.text and "Gern wieder" in detail.text
    assert "would like a new match" in detail.text


@pytest.mark.parametrize(
    "data",
    [
        {"mood": "splendid"},
        {},
        {"mood": "good", "note": "x" * 2001},
    ],
)
def test_bad_feedback_is_refused(client, programme, mentor, data):
    match = _running(programme, mentor)
    services.end(match, "goal")
    token = match.mentee_token
    response = client.post(
        reverse("plugins:mentoring:answer", args=[token]), {"action": "feedback", **data}, **HOST
    )
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_no_feedback_form_while_the_match_runs(client, programme, mentor):
    match = _running(programme, mentor)
    url = reverse("plugins:mentoring:answer", args=[match.mentor_token])
    assert 'value="feedback"' not in client.get(url, **HOST).text
    response = client.post(url, {"action": "feedback", "mood": "good"}, **HOST)
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_the_mentees_feedback_note_is_anonymised_with_the_rest(programme, mentor):
    match = _running(programme, mentor)
    services.end(match, "moved")
    services.give_feedback(match, "mentee", "ok", "Wir sind nach Köln gezogen")
    services.give_feedback(match, "mentor", "good", "Schöne Zeit")
    long_ago = timezone.now() - dt.timedelta(days=500)
    Match.objects.filter(pk=match.pk).update(ended_at=long_ago)
    Application.objects.filter(pk=match.application_id).update(created_at=long_ago)
    assert services.anonymise_ended() == 1
    mentee = Feedback.objects.get(side="mentee")
    assert mentee.note == "" and mentee.mood == "ok"
    assert Feedback.objects.get(side="mentor").note == "Schöne Zeit"
    # after anonymisation no more feedback is taken
    match.refresh_from_db()
    with pytest.raises(ValidationError):
        services.give_feedback(match, "mentee", "good", "again")
