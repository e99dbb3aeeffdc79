"""The meetings plugin's panel on the admin's start page: open tasks from the minutes of the
town's meetings that are overdue or due within a week (declared in
``MeetingsConfig.admin_panels``, so it shows only where meetings are on)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel

from .models import MeetingSeriesPage, Task

#: tasks due within this many days count as due
DUE_WITHIN_DAYS = 7
SHOWN = 10


def tasks_due_panel(sender, request, **kwargs) -> DashboardPanel | None:
    today = timezone.localdate()
    tasks = Task.objects.filter(
        done=False,
        due_date__isnull=False,
        due_date__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS),
        occurrence__series__in=MeetingSeriesPage.objects.in_site(sender),
    )
    total = tasks.count()
    if not total:
        return None
    shown = list(
        tasks.select_related("occurrence__series", "owner").order_by("due_date", "pk")[:SHOWN]
    )
    for task in shown:
        task.overdue = task.due_date < today
    return DashboardPanel(
        title=_("Tasks due (%(count)d)") % {"count": total},
        template="meetings/admin/tasks_due_panel.html",
        context={"due_tasks": shown, "more_tasks": total - len(shown)},
        order=35,
    )
