"""Background tasks run in a real worker process: the database backend and RQ on Redis."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from treffpunkt.core.tasks import clear_expired_sessions

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _sessions():
    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="new", session_data="x", expire_date=timezone.now() + timedelta(days=1)
    )


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


def _worker(*args: str, extra_env: dict) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "DATABASE_URL": _database_url(),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.postgres
def test_database_backend_worker_runs_enqueued_task(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share: PostgreSQL")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _sessions()
    result = clear_expired_sessions.enqueue()
    assert Session.objects.count() == 2  # nothing ran in this process
    run = _worker(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--queue-name",
        "*",
        extra_env={"REDIS_URL": ""},
    )
    assert run.returncode == 0, run.stderr
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
    result.refresh()
    assert result.return_value == 1


@pytest.mark.redis
@pytest.mark.postgres
def test_rq_backend_on_redis_runs_enqueued_task(settings, monkeypatch):
    redis_url = os.environ.get("REDIS_TEST_URL")
    if not redis_url or connection.vendor != "postgresql":
        pytest.skip("needs Redis (REDIS_TEST_URL) and PostgreSQL")
    # django_rq reads RQ_QUEUES once, at import (maybe by another test in this process): its
    # copy points at the Redis the worker below is given.
    import django_rq.settings

    monkeypatch.setattr(django_rq.settings, "QUEUES", {"default": {"URL": redis_url}})
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    _sessions()
    clear_expired_sessions.enqueue()
    assert Session.objects.count() == 2
    run = _worker(
        "rqworker",
        "default",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        extra_env={"REDIS_URL": redis_url},
    )
    assert run.returncode == 0, run.stderr
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
