"""Background work of the newsletter, through Django's Tasks API."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from treffpunkt.core.tasks import MAIL, NEWSLETTER

from . import delivery, subscriptions


@task(**NEWSLETTER)
def deliver_mailing(mailing_id: int) -> dict:
    """Send what is due of a send for a while, then queue the next run if work remains."""
    outcome = delivery.run_senders(mailing_id)
    if not outcome.finished and outcome.next_run is not None:
        from .models import Mailing

        if Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.RUNNING).exists():
            delivery.enqueue_delivery(mailing_id, outcome.next_run)
    return {"sent": outcome.sent, "failed": outcome.failed, "retried": outcome.retried}


@task(**NEWSLETTER)
def watch_mailing(mailing_id: int) -> None:
    """Restart a send whose worker died (its task will never finish); look again later."""
    from .models import Mailing

    Mailing.objects.filter(pk=mailing_id).update(watchdog_at=None)
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.RUNNING:
        return
    stale = timezone.now() - timedelta(seconds=delivery.setting("CLAIM_SECONDS"))
    if mailing.last_progress_at is None or mailing.last_progress_at < stale:
        delivery.log_event(
            "send_restarted",
            mailing_id,
            logging.WARNING,
            by="watchdog",
            idle_since=mailing.last_progress_at.isoformat() if mailing.last_progress_at else "-",
        )
        delivery.enqueue_delivery(mailing_id, None)
    delivery.arm_watchdog(mailing)


@task(**MAIL)
def send_confirmation(subscriber_id: int) -> None:
    subscriptions.send_confirmation(subscriber_id)


@task()
def housekeeping() -> dict:
    """Periodic: delete stale sign-ups, start due sends, restart stalled ones."""
    deleted = subscriptions.delete_unconfirmed()
    resumed = delivery.resume_stalled()
    return {"deleted": deleted, "resumed": resumed}
