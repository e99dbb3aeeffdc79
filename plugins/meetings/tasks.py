"""Background tasks (Django's Tasks API); the work itself is in :mod:`.notifications`."""

from __future__ import annotations

from django_tasks import task

from treffpunkt.core.tasks import MAIL

from . import notifications


@task()
def send_invitations() -> int:
    return notifications.send_invitations()


@task(**MAIL)
def notify_date_changed(occurrence_id: int, sequence: int) -> int:
    return notifications.send_date_changed(occurrence_id, sequence)


@task(**MAIL)
def notify_minutes_published(occurrence_id: int) -> int:
    return notifications.send_minutes(occurrence_id)


@task()
def send_task_reminders() -> int:
    return notifications.send_task_reminders()
