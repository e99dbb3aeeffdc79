"""Hours after an appointment: mediator and requester each say how long it took; when the
two agree (within ``AGREE_MINUTES``) the hours are confirmed, otherwise a coordinator
confirms them. Confirmed hours go into the monthly statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Assignment, Request

AGREE_MINUTES = 15


class HoursError(Exception):
    """Hours cannot be reported (yet or any more)."""


def _locked(assignment: Assignment, now: dt.datetime) -> Assignment:
    row = Assignment.objects.select_for_update().select_related("request").get(pk=assignment.pk)
    if row.starts_at > now:
        raise HoursError("before the appointment")
    if row.confirmed_at is not None:
        raise HoursError("already confirmed")
    return row


def _settle(row: Assignment, now: dt.datetime) -> None:
    mine, theirs = row.mediator_minutes, row.requester_minutes
    if mine is not None and theirs is not None and abs(mine - theirs) <= AGREE_MINUTES:
        _confirm(row, mine, now)


def _confirm(row: Assignment, minutes: int, now: dt.datetime) -> None:
    row.confirmed_minutes = minutes
    row.confirmed_at = now
    Request.objects.filter(pk=row.request_id).update(status=Request.Status.DONE)


def report_by_mediator(
    assignment: Assignment, minutes: int, km: Decimal | None, now: dt.datetime | None = None
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(assignment, now)
        row.mediator_minutes = minutes
        row.travel_km = km
        _settle(row, now)
        row.save()
    return row


def report_by_requester(
    assignment: Assignment, minutes: int, now: dt.datetime | None = None
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(assignment, now)
        row.requester_minutes = minutes
        _settle(row, now)
        row.save()
    return row


def confirm_by_coordinator(
    assignment: Assignment, minutes: int, now: dt.datetime | None = None
) -> Assignment:
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked(assignment, now)
        _confirm(row, minutes, now)
        row.save()
    return row
