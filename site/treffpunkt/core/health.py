"""Liveness and readiness for load balancers, orchestrators and monitoring.

``/healthz`` (liveness) says only that the process answers: restarting a process because
its database is down would not help. ``/readyz`` (readiness) checks what a request needs:
the database, Redis when it is configured, and the task queue, whose oldest waiting task
must not be older than ``READINESS_MAX_TASK_AGE`` seconds (a stuck or missing worker shows
here long before people notice that their confirmation mails do not come).

Both are answered by a middleware at the top of the stack, before host validation and the
HTTPS redirect: a load balancer probes by IP address over plain HTTP, and that must neither
be refused as a disallowed host nor redirected.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def check_database() -> str | None:
    """None when a query answers, else what went wrong."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready", whatever the driver raises
        return f"{type(exc).__name__}: {exc}"
    return None


def check_redis() -> str | None:
    """None when Redis answers PING (or no Redis is configured), else what went wrong."""
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        client.ping()
        client.close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def oldest_waiting_task_age() -> float | None:
    """Seconds the oldest task that is due has waited for a worker (None: nothing waits)."""
    backend = settings.TASKS["default"]["BACKEND"]
    now = timezone.now()
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        if oldest is None:
            return None
        # A delayed task waits from its due time, not from when it was enqueued; the
        # backend marks "no delay" with the largest date.
        since = oldest.enqueued_at
        if oldest.run_after.year < 9999:
            since = max(since, oldest.run_after)
        return max(0.0, (now - since).total_seconds())
    if backend == "django_tasks_rq.RQBackend":
        from django_rq import get_queue

        ages = []
        for name in settings.TASKS["default"].get("QUEUES", ["default"]):
            queue = get_queue(name)
            job_ids = queue.get_job_ids(0, 1)
            if not job_ids:
                continue
            job = queue.fetch_job(job_ids[0])
            if job is not None and job.enqueued_at is not None:
                enqueued = job.enqueued_at
                if timezone.is_naive(enqueued):
                    enqueued = timezone.make_aware(enqueued, timezone.utc)
                ages.append((now - enqueued).total_seconds())
        return max(ages) if ages else None
    return None


def readiness() -> tuple[bool, dict]:
    """Every check with its result; ready only when all pass."""
    checks: dict[str, dict] = {}
    started = time.monotonic()
    problem = check_database()
    checks["database"] = {"ok": problem is None, **({"error": problem} if problem else {})}
    problem = check_redis()
    if settings.REDIS_URL:
        checks["redis"] = {"ok": problem is None, **({"error": problem} if problem else {})}
    limit = timedelta(seconds=settings.READINESS_MAX_TASK_AGE).total_seconds()
    if checks["database"]["ok"] and checks.get("redis", {"ok": True})["ok"]:
        try:
            age = oldest_waiting_task_age()
        except Exception as exc:
            checks["tasks"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        else:
            checks["tasks"] = {
                "ok": age is None or age <= limit,
                "oldest_waiting_seconds": None if age is None else round(age, 1),
                "limit_seconds": limit,
            }
    ready = all(check["ok"] for check in checks.values())
    if not ready:
        logger.warning("readiness check failed: %s", json.dumps(checks))
    return ready, {
        "status": "ok" if ready else "unavailable",
        "checks": checks,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before anything else runs (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == LIVENESS_PATH:
            return self._no_store(HttpResponse("ok", content_type="text/plain"))
        if request.path == READINESS_PATH:
            ready, report = readiness()
            return self._no_store(
                HttpResponse(
                    json.dumps(report),
                    content_type="application/json",
                    status=200 if ready else 503,
                )
            )
        return self.get_response(request)

    @staticmethod
    def _no_store(response: HttpResponse) -> HttpResponse:
        response["Cache-Control"] = "no-store"
        return response
