"""Background work of the core, and the queues every app's tasks go to.

Mail first: ``@task(**MAIL)`` for mails a person waits for (a confirmation, a notification),
``@task(**NEWSLETTER)`` for bulk sends, plain ``@task()`` for the rest (Wagtail's search
index and renditions, housekeeping). The worker serves the queues in the order of
``settings.TASK_QUEUES`` (RQ) or by priority (the database backend).
"""

import logging
import time

from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task
from django_tasks.signals import task_finished, task_started


def _queue(name: str, priority: int) -> dict:
    """A queue, and for a backend that orders by priority (the database's), a priority;
    RQ refuses priorities: its worker serves the queues in order instead."""
    from django_tasks import task_backends

    if task_backends["default"].supports_priority:
        return {"queue_name": name, "priority": priority}
    return {"queue_name": name}


MAIL = _queue("mail", 50)
NEWSLETTER = _queue("newsletter", 20)

log = logging.getLogger("treffpunkt.tasks")
_started: dict[str, float] = {}


@receiver(task_started)
def _note_start(sender, task_result, **kwargs) -> None:
    _started[task_result.id] = time.monotonic()


@receiver(task_finished)
def _one_line_per_task(sender, task_result, **kwargs) -> None:
    """At most one line per task, at DEBUG (failures are logged by django_tasks itself)."""
    began = _started.pop(task_result.id, None)
    took = f" in {time.monotonic() - began:.2f}s" if began is not None else ""
    log.debug("task %s %s%s", task_result.task.module_path, task_result.status, took)


@task()
def clear_expired_sessions() -> int:
    """Delete sessions that have expired; returns how many. Run daily by the scheduler."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
