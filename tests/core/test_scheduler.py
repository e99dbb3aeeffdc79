"""The scheduler role: periodic jobs at their intervals, once across several processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from treffpunkt.core.management.commands.scheduler import Scheduler

ROOT = Path(__file__).resolve().parents[2]


def test_due_jobs_run_once_per_interval_and_unknown_commands_are_skipped():
    now = [1000.0]
    ran: list[str] = []
    scheduler = Scheduler(
        {"newsletter_tick": 60, "clearsessions": 3600, "no_such_command": 5},
        run=ran.append,
        clock=lambda: now[0],
    )
    assert scheduler.skipped == ["no_such_command"]
    scheduler.start()
    assert scheduler.run_due() == ["newsletter_tick", "clearsessions"]
    assert scheduler.run_due() == []  # nothing is due twice
    now[0] += 59
    assert scheduler.run_due() == []
    now[0] += 1
    assert scheduler.run_due() == ["newsletter_tick"]
    assert 0.1 <= scheduler.sleep_seconds() <= 5
    now[0] += 3540
    assert scheduler.run_due() == ["newsletter_tick", "clearsessions"]
    assert ran.count("newsletter_tick") == 3 and ran.count("clearsessions") == 2


def test_a_failing_job_does_not_stop_the_others():
    def run(name):
        if name == "newsletter_tick":
            raise RuntimeError("boom")

    scheduler = Scheduler({"newsletter_tick": 60, "clearsessions": 60}, run=run)
    scheduler.start()
    assert scheduler.run_due() == ["newsletter_tick", "clearsessions"]
    assert scheduler.due() == []


def _start(log_path: Path) -> subprocess.Popen:
    s = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}",
        "REDIS_URL": "",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "INFO",
        # one fast job; the others at intervals far beyond the test
        "PERIODIC_JOBS": json.dumps(
            {
                "newsletter_tick": 2,
                "events_housekeeping": 10**6,
                "meetings_notify": 10**6,
                "chat_mention_digest": 10**6,
                "clearsessions": 10**6,
            }
        ),
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "site" / "manage.py"), "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("w"),
        start_new_session=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_run_each_due_job_once_and_one_takes_over(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("leadership across processes is a PostgreSQL advisory lock")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_start(logs[0]), _start(logs[1])]

    def lines(text: str) -> list[int]:
        return [log.read_text().count(text) for log in logs]

    try:
        deadline = time.monotonic() + 60
        while sum(lines("scheduler: leading")) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        first = time.monotonic()
        time.sleep(7)
        elapsed = time.monotonic() - first
        leading = lines("scheduler: leading")
        runs = lines("scheduler: ran newsletter_tick")
        assert sorted(leading) == [0, 1], leading  # exactly one leads
        # every 2 s by one process only (not twice as often, not once per process)
        assert 1 + int(elapsed // 2) - 1 <= sum(runs) <= 1 + int(elapsed // 2) + 1, runs
        assert min(runs) == 0
        # The leader dies: the other takes over.
        leader = leading.index(1)
        os.killpg(procs[leader].pid, signal.SIGKILL)
        procs[leader].wait(10)
        other = 1 - leader
        deadline = time.monotonic() + 20
        while lines("scheduler: leading")[other] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert lines("scheduler: leading")[other] == 1
        deadline = time.monotonic() + 10
        while lines("scheduler: ran newsletter_tick")[other] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert lines("scheduler: ran newsletter_tick")[other] >= 1
        # SIGTERM stops it cleanly.
        procs[other].send_signal(signal.SIGTERM)
        assert procs[other].wait(15) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
