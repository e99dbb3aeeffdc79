"""Background work of the mentoring plugin, through Django's Tasks API."""

from __future__ import annotations

from django_tasks import task

from treffpunkt.core.tasks import MAIL

from . import mails
from .models import Application, Match


@task(**MAIL)
def send_application_confirmation(application_id: int) -> bool:
    application = (
        Application.objects.filter(pk=application_id, status=Application.Status.UNCONFIRMED)
        .select_related("programme__site")
        .first()
    )
    if application is None:
        return False
    mails.application_confirmation(application)
    return True


@task(**MAIL)
def send_match_mail(match_id: int, side: str, mail: str) -> bool:
    match = (
        Match.objects.filter(pk=match_id)
        .select_related("programme__site", "mentor", "application")
        .first()
    )
    if match is None:
        return False
    mails.match_mail(match, side, mail)
    return True


@task(**MAIL)
def send_certificate_reminder(mentor_id: int) -> bool:
    from .models import MentorProfile

    mentor = MentorProfile.objects.filter(pk=mentor_id).select_related("programme__site").first()
    if mentor is None:
        return False
    mails.certificate_reminder(mentor)
    return True


@task(**MAIL)
def send_training_invitation(invitation_id: int, mentor_id: int) -> bool:
    from .models import MentorProfile, TrainingInvitation

    invitation = (
        TrainingInvitation.objects.filter(pk=invitation_id)
        .select_related("programme__site", "event")
        .first()
    )
    mentor = MentorProfile.objects.filter(pk=mentor_id).exclude(email="").first()
    if invitation is None or mentor is None or mentor.programme_id != invitation.programme_id:
        return False
    mails.training_invitation(invitation, mentor)
    return True


@task()
def housekeeping() -> dict:
    """Periodic (``manage.py mentoring_housekeeping``): unconfirmed applications go, ended
    matches are anonymised when their time is up, police certificates are reminded."""
    from . import services

    return {
        "deleted": services.delete_unconfirmed(),
        "anonymised": services.anonymise_ended(),
        "reminded": services.remind_certificates(),
    }
