"""Mail first: behind a backlog of other work, the worker takes a mail task next."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_mail_task_overtakes_a_backlog_of_other_work(settings, site):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share: PostgreSQL")
    from django_tasks_db.models import DBTaskResult

    from plugins.newsletter.models import Subscriber
    from plugins.newsletter.tasks import send_confirmation
    from treffpunkt.core.tasks import clear_expired_sessions

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    backlog = [clear_expired_sessions.enqueue() for _ in range(300)]  # e.g. search index jobs
    person = Subscriber.objects.create(site=site, email="neu@example.org", language="de")
    mail = send_confirmation.enqueue(person.pk)
    s = connection.settings_dict
    started = time.monotonic()
    run = subprocess.run(
        [str(ROOT / "bin" / "worker"), "--no-startup-delay", "--max-tasks", "1"],
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
            "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}",
            "REDIS_URL": "",
            "TASKS_BACKEND": "database",
            "PYTHON": sys.executable,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    took = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    # quiet: no line per task; the demo's mail stands out as one framed block
    assert "Task id=" not in run.stdout + run.stderr
    assert "✉  MAIL to neu@example.org" in run.stdout
    mail.refresh()
    assert mail.status == "SUCCESSFUL"  # the one task the worker ran was the mail
    waiting = DBTaskResult.objects.filter(id__in=[str(r.id) for r in backlog], status="READY")
    assert waiting.count() == len(backlog)
    print(f"\n[mail first] mail task run first of 301 ({took:.1f}s incl. starting the worker)")
