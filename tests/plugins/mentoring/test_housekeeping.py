"""Data do not stay forever: unconfirmed applications go, ended matches are anonymised after
ANONYMISE_AFTER_DAYS, and police certificates are reminded once before they run out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from plugins.mentoring import services
from plugins.mentoring.models import Application, CheckIn, Match

from .conftest import make_application, make_mentor

pytestmark = pytest.mark.django_db


def _ended_match(programme, mentor, ended_days_ago: int) -> Match:
    now = timezone.now()
    application = make_application(
        programme,
        status=Application.Status.CLOSED,
        created_at=now - dt.timedelta(days=ended_days_ago + 200),
        email=f"mentee{ended_days_ago}@example.org",
    )
    match = Match.objects.create(
        programme=programme,
        application=application,
        mentor=mentor,
        status=Match.Status.ENDED,
        started_at=now - dt.timedelta(days=ended_days_ago + 100),
        ended_at=now - dt.timedelta(days=ended_days_ago),
        end_reason=Match.EndReason.GOAL,
    )
    CheckIn.objects.create(match=match, side="mentee", mood="good", note="Privates")
    return match


def test_ended_matches_are_anonymised_after_the_set_time(programme, mentor):
    old = _ended_match(programme, mentor, 400)
    recent = _ended_match(programme, mentor, 30)
    assert services.anonymise_ended() == 1
    old.application.refresh_from_db()
    recent.application.refresh_from_db()
    assert old.application.name == services.ANONYMOUS and old.application.email == ""
    assert old.application.anonymised_at is not None
    assert CheckIn.objects.get(match=old).note == ""
    assert recent.application.email == "mentee30@example.org"
    assert CheckIn.objects.get(match=recent).note == "Privates"
    # the numbers stay: the match, its dates and reason
    old.refresh_from_db()
    assert old.end_reason == Match.EndReason.GOAL and old.ended_at
    assert services.anonymise_ended() == 0  # once


def test_running_matches_are_never_anonymised(programme, mentor):
    application = make_application(programme, created_at=timezone.now() - dt.timedelta(days=900))
    Match.objects.create(
        programme=programme, application=application, mentor=mentor, status="active"
    )
    assert services.anonymise_ended() == 0


def test_unconfirmed_applications_are_deleted_after_the_set_days(programme):
    make_application(
        programme,
        status=Application.Status.UNCONFIRMED,
        created_at=timezone.now() - dt.timedelta(days=8),
    )
    fresh = make_application(
        programme, status=Application.Status.UNCONFIRMED, email="fresh@example.org"
    )
    assert services.delete_unconfirmed() == 1
    assert list(Application.objects.all()) == [fresh]


def test_certificate_reminder_once_before_it_runs_out(
    programme, coordinator, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    soon = make_mentor(
        programme,
        "Anna Soon",
        works_with_children=True,
        police_certificate_date=today.replace(year=today.year - 5) + dt.timedelta(days=20),
    )
    make_mentor(
        programme,
        "Ben Later",
        works_with_children=True,
        police_certificate_date=today - dt.timedelta(days=100),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_certificates() == 1
    (reminder,) = mail.outbox
    assert reminder.to == [soon.email, coordinator.email]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_certificates() == 0
    # a new certificate date gets its own reminder when its time comes
    soon.police_certificate_date = today - dt.timedelta(days=10)
    soon.save()
    assert services.remind_certificates() == 0


def test_a_certificate_that_already_ran_out_is_called_so(
    programme, coordinator, django_capture_on_commit_callbacks
):
    """A mentor whose certificate is already past (entered late, or the job was off) is told
    it ran out and what that means, not that it "is valid until" a past date."""
    today = timezone.localdate()
    make_mentor(
        programme,
        "Carla Late",
        works_with_children=True,
        police_certificate_date=today.replace(year=today.year - 5) - dt.timedelta(days=30),
    )
    soon = make_mentor(
        programme,
        "Anna Soon",
        works_with_children=True,
        police_certificate_date=today.replace(year=today.year - 5) + dt.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_certificates() == 2
    by_mentor = {m.to[0]: m for m in mail.outbox}
    late = next(m for address, m in by_mentor.items() if address != soon.email)
    assert late.subject == "Ihr Führungszeugnis ist abgelaufen"
    assert "abgelaufen" in late.body and "nicht für Patenschaften mit Kindern" in late.body
    assert "gilt Ihr erweitertes" not in late.body
    fresh = by_mentor[soon.email]
    assert fresh.subject == "Ihr Führungszeugnis muss erneuert werden"
    assert "gilt Ihr erweitertes" in fresh.body
