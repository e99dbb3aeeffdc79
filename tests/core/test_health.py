"""Liveness and readiness as a load balancer and a monitoring system see them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers import free_port
from treffpunkt.core.tasks import clear_expired_sessions


def test_liveness_answers_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    # A load balancer probes by IP address: neither refused as a host nor sent to HTTPS.
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


def test_readiness_reports_each_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    report = json.loads(response.content)
    assert report["status"] == "ok"
    assert report["checks"]["database"] == {"ok": True}
    assert "redis" not in report["checks"]


def test_readiness_fails_while_redis_is_unreachable(client, settings, db):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["status"] == "unavailable"
    assert report["checks"]["redis"]["ok"] is False
    assert "onnect" in report["checks"]["redis"]["error"]


def test_readiness_fails_when_a_task_waits_too_long(client, settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.REDIS_URL = ""
    settings.READINESS_MAX_TASK_AGE = 60
    from django_tasks_db.models import DBTaskResult

    assert client.get("/readyz").status_code == 200  # nothing waits

    result = clear_expired_sessions.enqueue()
    report = json.loads(client.get("/readyz").content)
    assert report["checks"]["tasks"]["ok"] is True
    assert report["checks"]["tasks"]["oldest_waiting_seconds"] < 60

    # No worker took it for five minutes: the deployment is not healthy.
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    tasks = json.loads(response.content)["checks"]["tasks"]
    assert tasks["ok"] is False
    assert tasks["oldest_waiting_seconds"] >= 300


def test_a_delayed_task_counts_from_when_it_is_due(client, settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.REDIS_URL = ""
    settings.READINESS_MAX_TASK_AGE = 60
    later = clear_expired_sessions.using(run_after=timezone.now() + timedelta(hours=1))
    later.enqueue()
    # Not due yet: it is not waiting for a worker.
    assert client.get("/readyz").status_code == 200


@pytest.mark.redis
def test_readiness_with_rq_measures_the_queue(client, settings, db):
    import os

    redis_url = os.environ.get("REDIS_TEST_URL")
    if not redis_url:
        pytest.skip("REDIS_TEST_URL is not set (make test sets it)")
    settings.REDIS_URL = redis_url
    settings.RQ_QUEUES = {"health-test": {"URL": redis_url}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["health-test"]}
    }
    settings.READINESS_MAX_TASK_AGE = 60
    from redis import Redis
    from rq import Queue

    queue = Queue("health-test", connection=Redis.from_url(redis_url), is_async=True)
    queue.empty()
    try:
        assert client.get("/readyz").status_code == 200
        job = queue.enqueue("treffpunkt.core.tasks.clear_expired_sessions")
        job.enqueued_at = timezone.now() - timedelta(minutes=10)
        job.save()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert json.loads(response.content)["checks"]["tasks"]["oldest_waiting_seconds"] >= 600
    finally:
        queue.empty()
