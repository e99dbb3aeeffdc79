"""Housekeeping of the core, run by the worker (see the Procfile's worker role)."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task


@task()
def clear_expired_sessions() -> int:
    """Delete sessions that have expired; returns how many. Enqueue it daily."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
