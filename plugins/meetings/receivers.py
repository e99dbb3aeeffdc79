"""What the meetings plugin contributes to the core's extension points.

These receivers live in the plugin, so the core's site signals call them only on sites where
the plugin is on: switching it off removes meeting dates from calendars, feeds and dashboards.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.calendar import CalendarEntry
from treffpunkt.calendar.signals import calendar_entries, ical_components
from treffpunkt.signals import dashboard_panels

from . import access, ical, schedule, services
from .models import Visibility

KEY_SLOT = "0000-00-00"  # stands for a date's key in a URL reversed once per series


def _filtered(series, filters: dict | None):
    """Honour the calendar's filters; None when one is set that meetings cannot answer."""
    filters = filters or {}
    if filters.get("organisation") or filters.get("language"):
        return None
    if filters.get("kind", "meeting") != "meeting":  # another app's kind
        return None
    if filters.get("working_group"):
        series = series.filter(working_group_id=filters["working_group"])
    if filters.get("action_field"):
        series = series.filter(working_group__action_field_id=filters["action_field"])
    return series


@receiver(calendar_entries)
def meeting_entries(sender, start, end, user, filters=None, **kwargs) -> list[CalendarEntry]:
    series = _filtered(access.visible_series(sender, user), filters)
    if series is None:
        return []
    entries = []
    label = _("Meeting")
    # A year of 200 weekly series is some 10,000 dates: the URL and UID are made once per
    # series and the date's key (an ISO date, nothing to quote) put in.
    per_series: dict[int, tuple[str, str]] = {}
    for info in schedule.expand_many(list(series), start, end):
        s = info.series
        if s.pk not in per_series:
            per_series[s.pk] = (
                reverse("plugins:meetings:date", args=[s.pk, KEY_SLOT]),
                s.ical_uid(),
            )
        url, uid = per_series[s.pk]
        entries.append(
            CalendarEntry(
                uid=f"{uid}-{info.key}",
                title=s.title,
                start=info.start,
                end=info.end,
                url=url.replace(KEY_SLOT, info.key),
                location=info.location,
                summary=info.row.note if info.row is not None else "",
                kind="meeting",
                kind_label=label,
                cancelled=info.cancelled,
                action_field_ids=(
                    (s.working_group.action_field_id,)
                    if s.working_group is not None and s.working_group.action_field_id
                    else ()
                ),
                extra={"visibility": s.visibility, "moved": info.moved},
            )
        )
    return entries


@receiver(ical_components)
def meeting_components(sender, user=None, filters=None, **kwargs) -> list:
    """Public feeds (``user`` None) get public series only; a person's feed what they see."""
    series = access.visible_series(sender, user)
    if user is None:
        series = series.filter(visibility=Visibility.PUBLIC)
    series = _filtered(series, filters)
    if series is None:
        return []
    return ical.components_for(list(series), base_url=sender.root_url)


@receiver(dashboard_panels)
def meetings_panel(sender, request, **kwargs) -> DashboardPanel | None:
    user = request.user
    series = list(access.participating_series(sender, user))
    tasks = list(services.open_tasks(user, sender)[:10])
    if not series and not tasks:
        return None
    now = timezone.now()
    upcoming = list(schedule.expand_many(series, now, now + dt.timedelta(days=60)))[:5]
    return DashboardPanel(
        title=_("My meetings and tasks"),
        template="meetings/dashboard_panel.html",
        context={"upcoming": upcoming, "tasks": tasks},
        order=20,
    )
