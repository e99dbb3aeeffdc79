"""Stopping the worker role (a deploy): a real bin/worker on RQ (Redis) and PostgreSQL.

SIGTERM to the worker's PID ends the current send at its next mail and gives the rest back;
SIGKILL to the worker's PID takes RQ's work horse down with it. Either way, nothing keeps
sending after the worker is gone, and counted at the SMTP server nobody got two mails."""

from __future__ import annotations

import contextlib
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

from .conftest import add_subscribers, make_issue

ROOT = Path(__file__).resolve().parents[3]
RECIPIENTS = 1500

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _own_redis_url(sig: signal.Signals) -> str:
    """REDIS_TEST_URL's server, but a database of this test's own, one per signal: it empties
    it first, and no RQ worker of a test running beside it (pytest-xdist runs the two
    signals at once) may take its jobs or empty its queue."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(os.environ["REDIS_TEST_URL"])
    return urlunsplit(parts._replace(path="/14" if sig == signal.SIGTERM else "/15"))


def _env(sink, sig: signal.Signals) -> dict:
    db = connection.settings_dict
    redis_url = _own_redis_url(sig)
    return {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "REDIS_URL": redis_url,
        "TASKS_BACKEND": "rq",
        "EMAIL_URL": f"smtp://{sink.host}:{sink.port}",
        "TREFFPUNKT_PLUGINS_CONFIG": json.dumps(
            # slow enough that the send is surely in the middle when the signal comes
            {"newsletter": {"MESSAGES_PER_SECOND": 100, "SENDERS": 2, "TASK_SECONDS": 60}}
        ),
        "PYTHON": sys.executable,
        "LOG_LEVEL": "ERROR",
    }


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_killing_the_worker_pid_leaves_no_orphan_sending(settings, smtp_server, site, archive, sig):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_TEST_URL"):
        pytest.skip("needs PostgreSQL and Redis (REDIS_TEST_URL)")
    from redis import Redis

    Redis.from_url(_own_redis_url(sig)).flushdb()
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    add_subscribers(site, RECIPIENTS)
    mailing = delivery.start_mailing(make_issue(archive), None)
    env = _env(smtp_server, sig)
    # The send is queued on RQ by another process, as the web role would.
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "site" / "manage.py"),
            "shell",
            "-c",
            f"from plugins.newsletter.tasks import deliver_mailing; deliver_mailing.enqueue({mailing.pk})",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    worker = subprocess.Popen(
        [str(ROOT / "bin" / "worker")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    horses: list[int] = []
    try:
        _wait_for(lambda: len(smtp_server.messages) >= 100, 90, "the first mails")
        horses = _children(worker.pid)
        assert horses, "RQ runs the job in a work horse"
        os.kill(worker.pid, sig)  # the PID only, as a deploy tool does
        worker.wait(30)
        _wait_for(lambda: not any(_alive(h) for h in horses), 20, "the work horse to stop")
        settled = len(smtp_server.messages)
        time.sleep(2)
        assert len(smtp_server.messages) == settled  # nothing sends any more
        assert settled < RECIPIENTS, "the send finished before the signal; nothing was tested"
    finally:
        for pid in [worker.pid, *horses]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        worker.wait(10)
    received = Counter(rcpt for _f, rcpts in smtp_server.envelopes for rcpt in rcpts)
    assert not {a: n for a, n in received.items() if n > 1}
    counts = Mailing.objects.get(pk=mailing.pk).counts()
    assert counts["sent"] + counts["unknown"] >= settled - 2  # every accepted mail recorded
    if sig == signal.SIGTERM:
        # A graceful stop records every mail and gives the rest back at once.
        assert counts["sending"] == 0 and counts["unknown"] == 0
        assert counts["sent"] == settled
        assert (
            not Delivery.objects.filter(mailing=mailing, status="pending")
            .exclude(claim="")
            .exists()
        )
