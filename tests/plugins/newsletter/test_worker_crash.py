"""Fault test: a real worker process (bin/worker, database task backend, PostgreSQL) is
killed with SIGKILL in the middle of a send and started again. Counted at the SMTP server,
every recipient gets exactly one mail."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from plugins.newsletter import delivery
from plugins.newsletter.models import Delivery, Mailing

from .conftest import add_subscribers

ROOT = Path(__file__).resolve().parents[3]
RECIPIENTS = 600
SENDERS = 3  # threads of the worker's delivery task

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def start_worker(sink, var_dir) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "TASKS_BACKEND": "database",
        "REDIS_URL": "",
        "EMAIL_URL": f"smtp://{sink.host}:{sink.port}",
        "TREFFPUNKT_PLUGINS_CONFIG": json.dumps(
            {"newsletter": {"CLAIM_SECONDS": 2, "BATCH_SIZE": 40, "SENDERS": SENDERS}}
        ),
        "TREFFPUNKT_VAR_DIR": str(var_dir),
        "PYTHON": sys.executable,
        "LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(
        [str(ROOT / "bin" / "worker"), "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_killed_worker_resumes_without_skipping_or_doubling(
    settings, smtp_server, site, archive, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the fault test runs a worker process against PostgreSQL")
    from .conftest import make_issue

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.PLUGINS_CONFIG = {"newsletter": {"CLAIM_SECONDS": 2}}
    issue = make_issue(archive)
    people = add_subscribers(site, RECIPIENTS)
    mailing = delivery.start_mailing(issue, None)

    worker = start_worker(smtp_server, tmp_path)
    try:
        wait_for(lambda: len(smtp_server.messages) >= RECIPIENTS // 4, 90, "the first mails")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        at_kill = len(smtp_server.messages)
        assert at_kill < RECIPIENTS, "the send finished before the kill; nothing was tested"
        time.sleep(0.5)
        assert len(smtp_server.messages) == at_kill  # the worker is really gone

        worker = start_worker(smtp_server, tmp_path)
        wait_for(
            lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.FINISHED,
            120,
            "the send to finish after the restart",
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)

    received = Counter(rcpt for _f, rcpts in smtp_server.envelopes for rcpt in rcpts)
    doubled = {address: n for address, n in received.items() if n > 1}
    assert not doubled
    counts = Mailing.objects.get(pk=mailing.pk).counts()
    assert counts["sent"] + counts["unknown"] == RECIPIENTS
    assert counts["pending"] == counts["sending"] == counts["failed"] == 0
    # SMTP has no idempotency key: a kill in the microseconds between committing the
    # "sending" mark and writing the final dot loses that one mail (one per sender thread).
    # Such a row is left "unknown" (shown to the editor, never sent twice), as is one whose
    # 250 came but whose "sent" was not yet written; nobody else may be missing.
    unknown = {
        d.subscriber.email
        for d in Delivery.objects.filter(mailing=mailing, status=Delivery.Status.UNKNOWN)
    }
    assert len(unknown) <= 2 * SENDERS
    missing = {p.email for p in people} - set(received)
    assert missing <= unknown
    assert len(missing) <= SENDERS
