"""Background work of events/: mails to registrants, reminders, clean-ups.

Reminders, expiry of unconfirmed holds and the deletion of personal data run periodically:
``manage.py events_housekeeping`` (e.g. every 15 minutes from cron or a scheduler)
enqueues :func:`housekeeping`.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from treffpunkt.core.tasks import MAIL

from .models import Registration

S = Registration.Status


def absolute(site, path: str) -> str:
    return site.root_url.rstrip("/") + path


#: how much of the typed name a mail repeats
MAIL_NAME_LENGTH = 40


def plain_name(name: str) -> str:
    """The name typed into the public form as a mail may repeat it to the address typed
    beside it: letters, spaces, apostrophes and hyphens only, at most 40 characters.

    Whoever signs up someone else's address must not be able to write to them: no links
    ("evil.example", "http://"), no numbers, no line breaks, no long text.
    """
    kept = "".join(
        c if c.isalpha() or unicodedata.category(c).startswith("M") or c in "'-’ " else " "
        for c in name or ""
    )
    return " ".join(kept.split())[:MAIL_NAME_LENGTH].strip()


def mail_context(registration: Registration) -> dict:
    event = registration.event.specific
    site = event.get_site()
    localized = event.localized
    return {
        "registration": registration,
        "name": plain_name(registration.name),
        "event": localized,
        "children": list(registration.children.select_related("workshop")),
        "event_url": absolute(site, localized.get_url(current_site=site) or "/"),
        "confirm_url": absolute(site, reverse("events:confirm", args=[registration.token])),
        "cancel_url": absolute(site, reverse("events:cancel", args=[registration.token])),
        "site_name": site.site_name,
    } | _ticket_context(registration, site)


def _ticket_context(registration: Registration, site) -> dict:
    """The QR ticket goes with every mail to someone with a place (its PNG is attached)."""
    from .tickets import display_code, has_ticket, ticket_url

    if not has_ticket(registration):
        return {}
    return {
        "ticket_code": display_code(registration.ticket),
        "ticket_url": ticket_url(registration, site),
    }


def send_mail_to(registration: Registration, mail: str, extra: dict | None = None) -> bool:
    """Render and send one mail in the registrant's language; ``.ics`` when they have a place."""
    from .ical import event_ics
    from .tickets import qr_png

    if not registration.email:
        return False  # personal data already deleted
    with translation.override(registration.language):
        context = mail_context(registration) | (extra or {}) | {"mail": mail}
        subject = render_to_string("events/mail/subject.txt", context).strip().splitlines()[0]
        body = render_to_string("events/mail/body.txt", context)
        message = EmailMultiAlternatives(subject, body, to=[registration.email])
        if registration.status == S.CONFIRMED and mail != "cancelled":
            ics = event_ics(registration.event.specific, context["event_url"])
            message.attach("event.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
        if context.get("ticket_code"):
            message.attach("ticket.png", qr_png(context["ticket_url"]), "image/png")
        message.send()
    return True


@task(**MAIL)
def send_registration_mail(registration_id: int, mail: str) -> bool:
    """mail: 'confirm', 'status', 'promoted', 'cancelled', 'approved', 'declined', 'reminder'."""
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None:
        return False
    return send_mail_to(registration, mail)


@task(**MAIL)
def send_message_to_registrants(event_id: int, subject: str, text: str) -> int:
    """The organiser's message to everyone with a place or on the waiting list."""
    sent = 0
    recipients = Registration.objects.filter(
        event_id=event_id,
        status__in=(S.CONFIRMED, S.WAITING, S.HELD),
        parent=None,
        anonymised_at__isnull=True,
    ).select_related("event")
    for registration in recipients:
        if send_mail_to(registration, "message", {"subject": subject, "text": text}):
            sent += 1
    return sent


def send_reminders(now=None) -> int:
    """A reminder a day before: each confirmed registration gets exactly one."""
    now = now or timezone.now()
    hours = getattr(settings, "EVENTS_REMINDER_HOURS_BEFORE", 24)
    due = Registration.objects.filter(
        status=S.CONFIRMED,
        parent=None,
        reminder_sent_at__isnull=True,
        anonymised_at__isnull=True,
        event__start__gt=now,
        event__start__lte=now + timedelta(hours=hours),
        event__cancelled=False,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        # Mark first, under the row lock, so two workers never send the same reminder.
        with transaction.atomic():
            updated = Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if updated:
                from . import registrations

                registrations._after_commit(pk, "reminder")
                count += 1
    return count


@task()
def housekeeping() -> dict:
    from .registrations import anonymise_past, expire_holds

    return {
        "expired": expire_holds(),
        "reminders": send_reminders(),
        "anonymised": anonymise_past(),
    }
