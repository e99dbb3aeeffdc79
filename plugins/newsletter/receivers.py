"""Bounce and complaint reports from mail providers (django-anymail's tracking webhooks)."""

from __future__ import annotations

from anymail.signals import tracking
from django.dispatch import receiver
from django.utils import timezone

from .models import Subscriber

# Hard bounces and spam complaints take the address off every list; soft bounces do not.
STOPPING = {"bounced": Subscriber.Status.BOUNCED, "complained": Subscriber.Status.COMPLAINED}


@receiver(tracking, dispatch_uid="newsletter-anymail-tracking")
def stop_mailing_bounced_addresses(sender, event, esp_name, **kwargs) -> None:
    status = STOPPING.get(event.event_type)
    if status is None or not event.recipient:
        return
    Subscriber.objects.filter(email__iexact=event.recipient.strip()).exclude(
        status__in=[Subscriber.Status.UNSUBSCRIBED, *STOPPING.values()]
    ).update(status=status, unsubscribed_at=timezone.now())
