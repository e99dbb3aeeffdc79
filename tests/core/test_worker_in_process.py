"""The worker role runs the mail queue's jobs in its own process: a real bin/worker on RQ
(Redis) and PostgreSQL.

A mail runs without a fork and keeps the worker's database connection for the next one
(bench/bench_mail_queue.py measures what that saves); other queues still get a work horse
each. A connection the database dropped between two mails is replaced, and SIGTERM during a
mail ends it at its next step, as it does for a job in a work horse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django_rq.settings
import pytest
from django.db import connection

from .worker_tasks import wait_for_stop, where_mail_runs, where_other_work_runs

ROOT = Path(__file__).resolve().parents[2]
QUEUES = ["mail", "newsletter", "default"]

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

# A Redis database of each test's own: pytest-xdist runs them at once, each empties its
# database first, and a worker process of one would take the other's jobs.
REDIS_DATABASES = {
    "test_mails_run_in_the_worker_and_other_work_in_a_horse": 13,
    "test_a_dropped_connection_is_replaced_and_sigterm_ends_a_mail_early": 12,
}


@pytest.fixture
def rq_redis(request, settings, monkeypatch):
    """RQ on a Redis database of the test's own, emptied first, for enqueueing here and for
    the worker process."""
    if not os.environ.get("REDIS_TEST_URL") or connection.vendor != "postgresql":
        pytest.skip("needs Redis (REDIS_TEST_URL) and PostgreSQL")
    import redis

    database = REDIS_DATABASES[request.node.originalname]
    url = urlunsplit(urlsplit(os.environ["REDIS_TEST_URL"])._replace(path=f"/{database}"))
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setattr(django_rq.settings, "QUEUES", {q: {"URL": url} for q in QUEUES})
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    return url


def _worker(redis_url: str, *args: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "rq",
        "EMAIL_URL": "dummymail://",
        "PYTHON": sys.executable,
        "LOG_LEVEL": "ERROR",
    }
    env.pop("WORKER_IN_PROCESS_QUEUES", None)
    return subprocess.Popen([str(ROOT / "bin" / "worker"), *args], env=env, cwd=ROOT)


def _result(result, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        result.refresh()
        if result.is_finished:
            assert result.status == "SUCCESSFUL", result.errors
            return result.return_value
        assert time.monotonic() < deadline, f"the worker did not finish {result.task}"
        time.sleep(0.05)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)


def test_mails_run_in_the_worker_and_other_work_in_a_horse(rq_redis):
    first = where_mail_runs.enqueue()
    other = where_other_work_runs.enqueue()
    second = where_mail_runs.enqueue()
    worker = _worker(rq_redis, "--burst")
    try:
        assert worker.wait(120) == 0
    finally:
        _stop(worker)
    first, second, other = _result(first), _result(second), _result(other)
    # the mails: the worker's own process (bin/worker execs it), one connection for both
    assert first["pid"] == second["pid"] == worker.pid
    assert first["backend"] == second["backend"]
    # the rest: a work horse forked for the job, with a connection of its own
    assert other["pid"] != worker.pid
    assert other["backend"] != first["backend"]


def test_a_dropped_connection_is_replaced_and_sigterm_ends_a_mail_early(rq_redis):
    worker = _worker(rq_redis)
    try:
        before = _result(where_mail_runs.enqueue())
        assert before["pid"] == worker.pid
        with connection.cursor() as cursor:  # the database drops the worker's connection
            cursor.execute("SELECT pg_terminate_backend(%s)", [before["backend"]])
        after = _result(where_mail_runs.enqueue())
        assert after["pid"] == worker.pid
        assert after["backend"] != before["backend"]

        long = wait_for_stop.enqueue(60)
        deadline = time.monotonic() + 30
        while long.refresh() or long.status != "RUNNING":
            assert time.monotonic() < deadline, "the long mail never started"
            time.sleep(0.05)
        asked = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(20) == 0
        assert time.monotonic() - asked < 10  # not the 60 s the job would have run
        assert _result(long) == "stopped"
    finally:
        _stop(worker)
