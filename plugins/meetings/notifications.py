"""Meeting emails: who gets which, in their language, exactly once.

A :class:`~plugins.meetings.models.Delivery` row is written in the same transaction as the
mail is handed to the mail server: if sending fails, the row is rolled back and the next run
tries again; if the row exists, the mail went out and is never sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import access, schedule
from .models import (
    Delivery,
    MeetingSeriesPage,
    NotificationKind,
    NotificationOptOut,
    Occurrence,
    RsvpAnswer,
    Task,
    Visibility,
)

log = logging.getLogger(__name__)


def participants(series: MeetingSeriesPage):
    """The people a series' mails go to: its group, or the network's members."""
    User = get_user_model()
    people = access.people_of(series)
    if series.visibility == Visibility.PUBLIC:
        # a public series writes only to those who said they come to one of its dates
        said_yes = User.objects.filter(
            meeting_rsvps__occurrence__series=series,
            meeting_rsvps__answer__in=[RsvpAnswer.YES, RsvpAnswer.MAYBE],
        )
        people = people.filter(pk__in=said_yes.values("pk"))
    return people.distinct()


def wants(user, kind: str) -> bool:
    return not NotificationOptOut.objects.filter(user=user, kind=kind).exists()


def _base_url(series: MeetingSeriesPage) -> str:
    site = series.get_site()
    return site.root_url if site else settings.WAGTAILADMIN_BASE_URL


def deliver(user, kind: str, key: str, template: str, context: dict) -> bool:
    """Send one mail unless it was sent before or the person opted out; True if sent."""
    if not user.email or not user.is_active or not wants(user, kind):
        return False
    language = user.preferred_language or settings.LANGUAGE_CODE
    try:
        with transaction.atomic():
            Delivery.objects.create(user=user, kind=kind, key=key)
            with translation.override(language):
                subject = render_to_string(f"meetings/email/{template}_subject.txt", context)
                body = render_to_string(f"meetings/email/{template}.txt", {**context, "user": user})
            send_mail(" ".join(subject.split()), body, None, [user.email])
    except IntegrityError:
        return False  # sent before
    except OSError:
        # the mail server refused or is down: nothing was recorded, the next run tries again
        log.warning("meeting mail %s/%s to user %s failed", kind, key, user.pk, exc_info=True)
        return False
    return True


def _date_context(row: Occurrence) -> dict:
    series = row.series
    info = schedule.find_date(series, row.key)
    return {
        "series": series,
        "row": row,
        "date": info,
        "link": _base_url(series) + (info.url() if info else series.url),
        "agenda": list(row.agenda_items.order_by("sort_order", "pk")),
    }


def send_invitations(now: dt.datetime | None = None) -> int:
    """Invite participants to every date starting within the configured number of days."""
    from django.apps import apps

    from treffpunkt.plugins import registry

    days = int(apps.get_app_config("meetings").setting("INVITATION_DAYS_BEFORE"))
    now = now or timezone.now()
    sent = 0
    series_list = list(MeetingSeriesPage.objects.live().select_related("working_group"))
    series_list = [s for s in series_list if registry.is_enabled("meetings", s.get_site())]
    for info in schedule.expand_many(series_list, now, now + dt.timedelta(days=days)):
        if info.cancelled:
            continue
        from .services import row_for

        row = row_for(info)
        context = _date_context(row)
        for person in participants(info.series):
            if access.can_participate(info.series, person) and deliver(
                person, NotificationKind.INVITATION, f"{row.pk}", "invitation", context
            ):
                sent += 1
    return sent


def send_date_changed(occurrence_id: int, sequence: int) -> int:
    row = (
        Occurrence.objects.select_related("series__working_group").filter(pk=occurrence_id).first()
    )
    if row is None:
        return 0
    context = _date_context(row)
    people = set(participants(row.series))
    people |= {r.user for r in row.rsvps.select_related("user").exclude(answer=RsvpAnswer.NO)}
    sent = 0
    for person in people:
        if access.can_participate(row.series, person) and deliver(
            person, NotificationKind.CHANGE, f"{row.pk}:{sequence}", "changed", context
        ):
            sent += 1
    return sent


def send_minutes(occurrence_id: int) -> int:
    row = (
        Occurrence.objects.select_related("series__working_group").filter(pk=occurrence_id).first()
    )
    if row is None or row.minutes_published_at is None:
        return 0
    context = _date_context(row)
    context["decisions"] = list(row.decisions.order_by("sort_order"))
    context["tasks"] = list(row.tasks.select_related("owner").order_by("sort_order"))
    sent = 0
    for person in participants(row.series):
        if access.can_participate(row.series, person) and deliver(
            person, NotificationKind.MINUTES, f"{row.pk}", "minutes", context
        ):
            sent += 1
    return sent


def send_task_reminders(today: dt.date | None = None, days_ahead: int = 2) -> int:
    """Remind owners of open tasks due within ``days_ahead`` days (once a task and due date)."""
    today = today or timezone.localdate(timezone=schedule.TZ)
    tasks = Task.objects.filter(
        done=False,
        owner__isnull=False,
        due_date__isnull=False,
        due_date__lte=today + dt.timedelta(days=days_ahead),
    ).select_related("owner", "occurrence__series")
    sent = 0
    for task in tasks:
        series = task.occurrence.series
        context = {
            "task": task,
            "series": series,
            "link": _base_url(series) + _tasks_url(),
        }
        if deliver(
            task.owner,
            NotificationKind.TASK_REMINDER,
            f"{task.pk}:{task.due_date}",
            "task_reminder",
            context,
        ):
            sent += 1
    return sent


def _tasks_url() -> str:
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        return reverse("plugins:meetings:my_tasks")
