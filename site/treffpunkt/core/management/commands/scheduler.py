"""The scheduler role: runs the periodic jobs at their intervals, no cron needed.

Start as many as you like (one per host or per deploy unit): one of them leads, the others
wait. Leadership is a PostgreSQL advisory lock held for the scheduler's life (checked before
every run), or a file lock in ``VAR_DIR`` on SQLite; a scheduler that dies or loses its
database connection loses it, and another takes over within seconds. Each job is a
management command that is safe to run more often than planned (each enqueues or does
idempotent work), so a take-over that runs a job early does no harm.

The jobs and their intervals in seconds are ``settings.PERIODIC_JOBS``; commands of a plugin
that is not installed are skipped.
"""

from __future__ import annotations

import fcntl
import logging
import signal
import time
import zlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection

log = logging.getLogger("treffpunkt.scheduler")
LOCK_KEY = zlib.crc32(b"treffpunkt.scheduler")


class Leadership:
    """Who runs the jobs: the holder of one lock across all scheduler processes."""

    def __init__(self) -> None:
        self.file = None

    def acquire(self) -> bool:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                return bool(cursor.fetchone()[0])
        path = Path(settings.VAR_DIR) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.file or path.open("a")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def held(self) -> bool:
        """Still ours? (A dropped database connection releases an advisory lock.)"""
        if connection.vendor != "postgresql":
            return True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                " AND objid = %s AND granted",
                [LOCK_KEY & 0xFFFFFFFF],
            )
            return cursor.fetchone() is not None


class Scheduler:
    def __init__(self, jobs: dict[str, float], run=None, clock=time.monotonic) -> None:
        available = get_commands()
        self.jobs = {name: float(every) for name, every in jobs.items() if name in available}
        self.skipped = sorted(set(jobs) - set(self.jobs))
        self.run_job = run or (lambda name: call_command(name))
        self.clock = clock
        self.next_at: dict[str, float] = {}

    def start(self) -> None:
        """Every job is due at once when a scheduler takes the lead."""
        now = self.clock()
        self.next_at = dict.fromkeys(self.jobs, now)

    def due(self) -> list[str]:
        now = self.clock()
        return [name for name, at in self.next_at.items() if at <= now]

    def run_due(self) -> list[str]:
        ran = []
        for name in self.due():
            started = self.clock()
            try:
                self.run_job(name)
            except Exception:  # noqa: BLE001 - one failing job must not stop the others
                log.exception("scheduler: job %s failed", name)
            else:
                log.info("scheduler: ran %s in %.2fs", name, self.clock() - started)
            self.next_at[name] = started + self.jobs[name]
            ran.append(name)
        return ran

    def sleep_seconds(self) -> float:
        if not self.next_at:
            return 5.0
        return max(0.1, min(5.0, min(self.next_at.values()) - self.clock()))


class Command(BaseCommand):
    help = "Run the periodic jobs (settings.PERIODIC_JOBS) at their intervals; one leader."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args, once: bool = False, **options):
        scheduler = Scheduler(settings.PERIODIC_JOBS)
        if scheduler.skipped:
            log.info("scheduler: not installed, skipped: %s", ", ".join(scheduler.skipped))
        if once:
            scheduler.start()
            scheduler.run_due()
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        leadership = Leadership()
        leading = False
        while not self.stopping:
            try:
                if not leading:
                    leading = leadership.acquire()
                    if leading:
                        log.info("scheduler: leading (jobs: %s)", scheduler.jobs)
                        scheduler.start()
                elif not leadership.held():
                    leading = False
                    log.warning("scheduler: lost the lock; waiting to lead again")
                if leading:
                    scheduler.run_due()
            except DatabaseError:
                log.exception("scheduler: database error; reconnecting")
                connection.close()
                leading = False
            self._sleep(scheduler.sleep_seconds() if leading else 2.0)

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.2, end - time.monotonic()))
