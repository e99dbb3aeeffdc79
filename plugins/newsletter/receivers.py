"""Bounce and complaint reports from mail providers (django-anymail's tracking webhooks)."""

from __future__ import annotations

import re

from anymail.signals import tracking
from django.dispatch import receiver
from django.utils import timezone

from treffpunkt.signals import account_deleted, personal_data_export

from .models import Delivery, Subscriber

# Hard bounces and spam complaints take the address off every list; soft bounces do not.
STOPPING = {"bounced": Subscriber.Status.BOUNCED, "complained": Subscriber.Status.COMPLAINED}


#: our Message-ID (and X-Newsletter-Delivery header): <newsletter.MAILING.DELIVERY@host>
DELIVERY_ID = re.compile(r"newsletter\.(\d{1,18})\.(\d{1,18})@")


@receiver(tracking, dispatch_uid="newsletter-anymail-tracking")
def stop_mailing_bounced_addresses(sender, event, esp_name, **kwargs) -> None:
    status = STOPPING.get(event.event_type)
    if status is None or not event.recipient:
        return
    email = event.recipient.strip()
    Subscriber.objects.filter(email__iexact=email).exclude(
        status__in=[Subscriber.Status.UNSUBSCRIBED, *STOPPING.values()]
    ).update(status=status, unsubscribed_at=timezone.now())
    count_against_send(event, email)


def count_against_send(event, email: str) -> None:
    """Count the bounce or complaint against the send it answers: the one named in the
    Message-ID when the provider passes it on, else the last one delivered to the address."""
    deliveries = Delivery.objects.filter(status=Delivery.Status.SENT)
    found = DELIVERY_ID.search(str(event.message_id or ""))
    if found:
        row = deliveries.filter(mailing_id=found[1], pk=found[2]).first()
    else:
        # A report repeated later still lands on that last send, never on an older one.
        row = (
            deliveries.filter(subscriber__email__iexact=email, sent_at__isnull=False)
            .order_by("-sent_at", "-pk")
            .first()
        )
    if row is not None:
        Delivery.objects.filter(pk=row.pk, feedback="").update(
            feedback=event.event_type, feedback_at=timezone.now()
        )


# --- the core's person signals: they reach this plugin on every site, also where it is off
# (see treffpunkt.signals), so a subscription made while it was on is not forgotten.


def _subscriptions_of(user, emails):
    from django.db.models import Q
    from django.db.models.functions import Lower

    return Subscriber.objects.annotate(_email=Lower("email")).filter(
        Q(user_id=user.pk) | Q(_email__in=list(emails))
    )


@receiver(account_deleted, dispatch_uid="newsletter_forget_person")
def forget_person(sender, user, emails, **kwargs) -> None:
    """Every subscription of the person's addresses goes, on every site; deliveries keep
    their counts without the subscriber (a pending one is skipped)."""
    _subscriptions_of(user, emails).delete()


@receiver(personal_data_export, dispatch_uid="newsletter_export_person")
def export_person(sender, user, emails, **kwargs) -> dict | None:
    subscribers = list(
        _subscriptions_of(user, emails).select_related("site").prefetch_related("topics")
    )
    if not subscribers:
        return None
    return {
        "section": "newsletter",
        "data": {
            "subscriptions": [
                {
                    "site": s.site.site_name or s.site.hostname,
                    "email": s.email,
                    "language": s.language,
                    "topics": sorted(t.name for t in s.topics.all()),
                    "status": s.status,
                    "signed_up_at": s.created_at,
                    "consent_at": s.consent_at,
                    "consent_text_version": s.consent_text_version,
                    "consent_source": s.consent_source,
                    "left_at": s.unsubscribed_at,
                    "newsletters_sent": s.deliveries.filter(status="sent").count(),
                }
                for s in subscribers
            ]
        },
    }


def newsletter_report_section(sender, start, end, action_field=None, **kwargs):
    """The committee report's "Newsletter" section: the sends finished in the period.

    Declared in ``NewsletterConfig.report_sections``. A newsletter belongs to no action
    field, so the section is part of the report's "Other".
    """
    import datetime as dt

    from django.db.models import Count, Q
    from django.utils.translation import gettext as _

    from treffpunkt.reports import ReportRow, ReportSection

    from .models import Delivery, Mailing

    if action_field is not None:
        return None
    period_start = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    period_end = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    mailings = (
        Mailing.objects.filter(
            site=sender,
            status=Mailing.Status.FINISHED,
            finished_at__gte=period_start,
            finished_at__lt=period_end,
        )
        .select_related("page")
        .annotate(sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)))
        .order_by("finished_at")
    )
    rows = [
        ReportRow(
            title=m.page.title,
            date=timezone.localdate(m.finished_at),
            detail=_("sent to %(count)d addresses") % {"count": m.sent},
        )
        for m in mailings
    ]
    return ReportSection(_("Newsletter"), rows, order=60) if rows else None
