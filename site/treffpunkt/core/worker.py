"""The worker role's graceful stop, for both task backends.

RQ runs each job in a forked "work horse" in its own process group, so a ``kill`` of the
worker's PID never reaches it: the horse kept sending after its parent was gone. Here the
horse asks the kernel for SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``), and a
SIGTERM to the worker is passed on to the horse. In the horse (and in the database
backend's worker, which runs tasks in its own process) SIGTERM sets
:data:`treffpunkt.core.shutdown.stop_requested`: the current task ends at its next step and
releases its claim, then the process exits.

Mail first, and fast: jobs of the queues in ``settings.WORKER_IN_PROCESS_QUEUES`` (the
"mail" queue by default) run in the worker's own process, as RQ's ``SimpleWorker`` runs
every job, and keep its database connection from one mail to the next. A fork and a new
database connection per mail cost more than the mail itself (``bench/bench_mail_queue.py``);
long or heavy jobs (newsletter sends, search index, renditions) still get a work horse each.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys

import rq.worker.base as rq_worker_base
from django.conf import settings
from django.db import connections
from rq.defaults import DEFAULT_WORKER_TTL
from rq.worker import Worker as RQWorker
from rq.worker import WorkerStatus

from .shutdown import stop_requested

log = logging.getLogger("treffpunkt.worker")
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Ask for SIGTERM when the parent process ends (Linux); exit if it already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        stop_requested.set()


def _request_stop(signum, frame) -> None:
    log.info("worker stop requested (signal %s): ending the current task early", signum)
    stop_requested.set()


class Scheduler(rq_worker_base.RQScheduler):
    """RQ's scheduler process (``--with-scheduler``) stops with its worker, too."""

    def start(self):
        self._parent_pid = os.getpid()
        return super().start()

    def _install_signal_handlers(self) -> None:  # runs first in the forked process
        super()._install_signal_handlers()
        die_with_parent(self._parent_pid)
        if stop_requested.is_set():
            self.request_stop()


# the worker makes its scheduler from this name; this module is loaded only by the worker
rq_worker_base.RQScheduler = Scheduler


def _database_ready() -> None:
    """Before a job in the worker's process: drop a connection the server has closed."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def _database_clean() -> None:
    """After a job in the worker's process: no transaction may outlive it."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block or connection.needs_rollback:
            connection.close()


class Worker(RQWorker):
    """RQ's forking worker whose work horse stops with it (``--worker-class``), running the
    mail queue's short jobs in its own process."""

    _in_process = False

    @property
    def in_process_queues(self) -> set[str]:
        return set(getattr(settings, "WORKER_IN_PROCESS_QUEUES", ["mail"]))

    def execute_job(self, job, queue) -> None:
        if queue.name not in self.in_process_queues:
            return super().execute_job(job, queue)
        self._in_process = True
        try:
            execution = self.prepare_execution(job)
            _database_ready()
            try:
                self.perform_job(job, queue, execution)  # with its timeout (SIGALRM)
            finally:
                _database_clean()
            self.set_state(WorkerStatus.IDLE)
        finally:
            self._in_process = False

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        if not self._in_process:
            return super().get_heartbeat_ttl(job, working_time)
        # nobody beats the heart while the job runs here: cover the job's whole timeout
        if job.timeout == -1:
            return DEFAULT_WORKER_TTL
        return int(job.timeout or DEFAULT_WORKER_TTL) + 60

    def setup_work_horse_signals(self) -> None:
        super().setup_work_horse_signals()
        signal.signal(signal.SIGTERM, _request_stop)
        die_with_parent(self._parent_pid)

    def fork_work_horse(self, job, queue) -> None:
        self._parent_pid = os.getpid()
        # the horse must not share the socket of the connection kept for in-process jobs
        connections.close_all()
        super().fork_work_horse(job, queue)

    def request_stop(self, signum, frame) -> None:
        # Warm shutdown: the horse (or the job running here) finishes its step and
        # releases its claim, then we exit.
        if self.horse_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.horse_pid, signal.SIGTERM)
        elif self._in_process:
            _request_stop(signum, frame)
        super().request_stop(signum, frame)
