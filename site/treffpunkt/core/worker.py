"""The worker role's graceful stop, for both task backends.

RQ runs each job in a forked "work horse" in its own process group, so a ``kill`` of the
worker's PID never reaches it: the horse kept sending after its parent was gone. Here the
horse asks the kernel for SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``), and a
SIGTERM to the worker is passed on to the horse. In the horse (and in the database
backend's worker, which runs tasks in its own process) SIGTERM sets
:data:`treffpunkt.core.shutdown.stop_requested`: the current task ends at its next step and
releases its claim, then the process exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys

import rq.worker.base as rq_worker_base
from rq.worker import Worker as RQWorker

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


class Worker(RQWorker):
    """RQ's forking worker whose work horse stops with it (``--worker-class``)."""

    def setup_work_horse_signals(self) -> None:
        super().setup_work_horse_signals()
        signal.signal(signal.SIGTERM, _request_stop)
        die_with_parent(self._parent_pid)

    def fork_work_horse(self, job, queue) -> None:
        self._parent_pid = os.getpid()
        super().fork_work_horse(job, queue)

    def request_stop(self, signum, frame) -> None:
        # Warm shutdown: the horse finishes its step and releases its claim, then we exit.
        if self.horse_pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.horse_pid, signal.SIGTERM)
        super().request_stop(signum, frame)
