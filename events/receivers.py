"""events/ answering the core's person signals: deleting and handing out a person's sign-ups.

Both run for every site (see :mod:`treffpunkt.signals`): a person's sign-ups are found by
account and by every address of the account, on all sites at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.utils import timezone

from treffpunkt.core import pagecache
from treffpunkt.signals import account_deleted, personal_data_export

from . import places
from .models import EventPage, Registration
from .registrations import ACTIVE, S, _after_commit, _lock, _promote, announce_ended


def registrations_of(user, emails) -> Q:
    """Sign-ups made with the account, or without one under an address of the account."""
    return Q(user_id=user.pk) | Q(_email_lower__in=list(emails))


def _of(user, emails):
    return (
        Registration.objects.annotate(_email_lower=Lower("email"))
        .filter(registrations_of(user, emails))
        .filter(anonymised_at__isnull=True)
    )


@receiver(account_deleted, dispatch_uid="events_forget_person")
def forget_person(sender, user, emails, **kwargs) -> None:
    """Active sign-ups are cancelled (their places go to the waiting list, whose people get
    their mail), then every sign-up of the person is anonymised like those of past events:
    the counts stay for statistics, nothing identifies the person."""
    now = timezone.now()
    with transaction.atomic():
        active = _of(user, emails).filter(status__in=ACTIVE)
        for event_id in sorted(set(active.values_list("event_id", flat=True))):
            event = _lock(EventPage(pk=event_id))
            ending = list(active.filter(event_id=event_id).values_list("pk", flat=True))
            Registration.objects.filter(pk__in=ending).update(status=S.CANCELLED, cancelled_at=now)
            places.changed(event_id)
            announce_ended(ending)  # before the answers are anonymised below
            for pk in _promote(event, now):
                _after_commit(pk, "promoted")
            transaction.on_commit(pagecache.content_changed)
        _anonymise(user, emails, now)


def _anonymise(user, emails, now) -> None:
    places.changed(*_of(user, emails).order_by().values_list("event_id", flat=True).distinct())
    _of(user, emails).update(
        name="",
        email="",
        user=None,
        answers={},
        contribution_text="",
        anonymised_at=now,
    )


@receiver(personal_data_export, dispatch_uid="events_export_person")
def export_person(sender, user, emails, **kwargs) -> dict | None:
    rows = list(
        _of(user, emails).select_related("event", "workshop", "shift").order_by("created_at", "pk")
    )
    if not rows:
        return None
    return {
        "section": "events",
        "data": {
            "registrations": [
                {
                    "event": r.event.title,
                    "event_starts": r.event.start,
                    "kind": r.kind,
                    "workshop": r.workshop.title if r.workshop_id else None,
                    "helper_shift": str(r.shift) if r.shift_id else None,
                    "status": r.status,
                    "name": r.name,
                    "email": r.email,
                    "party_size": r.party_size,
                    "language": r.language,
                    "answers": r.answers,
                    "contribution": r.contribution_kind or None,
                    "contribution_text": r.contribution_text,
                    "created_at": r.created_at,
                    "confirmed_at": r.confirmed_at,
                    "cancelled_at": r.cancelled_at,
                    "attended_at": r.attended_at,
                }
                for r in rows
            ]
        },
    }
