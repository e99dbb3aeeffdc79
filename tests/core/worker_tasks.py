"""Tasks for the worker role's tests (tests/core/test_worker_in_process.py): importable by a
real worker process, which finds them on its PYTHONPATH."""

import os
import time

from django.db import connection
from django_tasks import task

from treffpunkt.core.shutdown import stop_requested


def _where() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return {"pid": os.getpid(), "backend": backend}


@task(queue_name="mail")
def where_mail_runs() -> dict:
    return _where()


@task(queue_name="default")
def where_other_work_runs() -> dict:
    return _where()


@task(queue_name="mail")
def wait_for_stop(seconds: float) -> str:
    """Runs until the worker is asked to stop (or ``seconds`` pass), as a long send would."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stop_requested.is_set():
            return "stopped"
        time.sleep(0.05)
    return "ran out"
