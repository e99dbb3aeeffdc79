"""The database task backend's worker (``db_worker``), quiet and with a graceful stop.

Same options as ``db_worker``. Differences: it logs one line per task at most, at DEBUG
(``-v 2`` or ``LOG_LEVEL=DEBUG``), and SIGTERM also sets
:data:`treffpunkt.core.shutdown.stop_requested`, so a long task (a newsletter send) ends
at its next step and releases its claim instead of running on for its whole time slice.
Delayed tasks (``run_after``) are run when due; the queues are served by priority, mail
first (see ``settings.TASK_QUEUES``).
"""

import logging

from django_tasks_db.management.commands import db_worker

from treffpunkt.core.shutdown import stop_requested


class _Worker(db_worker.Worker):
    def shutdown(self, signum, frame) -> None:
        stop_requested.set()
        super().shutdown(signum, frame)


class Command(db_worker.Command):
    help = "Run database-backend tasks (mail first); SIGTERM ends the current task early."

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        level = logging.DEBUG if verbosity >= 2 else logging.WARNING
        for name in (db_worker.TASKS_LOGGER, db_worker.logger.name):
            logging.getLogger(name).setLevel(level)
        logging.getLogger("treffpunkt.tasks").setLevel(level)

    def handle(self, *args, **options):
        db_worker.Worker = _Worker
        return super().handle(*args, **options)
