"""Background tasks (Django's Tasks API); the work itself is in :mod:`.services`."""

from __future__ import annotations

from django_tasks import task

from treffpunkt.core.tasks import MAIL

from . import services


@task(**MAIL)
def dispatch_request(request_id: int) -> list[int]:
    return services.dispatch(request_id)


@task(**MAIL)
def send_offer(offer_id: int) -> bool:
    return services.send_offer_mail(offer_id)


@task(**MAIL)
def notify(kind: str, object_id: int, mediator_id: int | None = None) -> int:
    return services.send_notice(kind, object_id, mediator_id)


@task()
def housekeeping() -> dict:
    """Periodic (``manage.py interpreters_housekeeping``): unanswered offers in turn passed
    on, overdue requests escalated, failed offer mails sent again, old requests anonymised."""
    return services.housekeeping()
