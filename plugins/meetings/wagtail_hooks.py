"""The admin: series are pages (in the page tree); dates and tasks under "Meetings".

Menu items are named "meetings" so that they hide where the plugin is off.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from treffpunkt.accounts import scope
from treffpunkt.accounts.scope import SiteScopedViewSetMixin

from . import schedule
from .models import MeetingSeriesPage, Occurrence, OccurrenceStatus, Task


class OccurrenceForm(WagtailAdminModelForm):
    """A date in the admin: a planned date of the rule, or an extra date; checked like the
    front end's forms, and calendar subscribers get the change (SEQUENCE, notification)."""

    def clean(self):
        data = super().clean()
        series, original = data.get("series"), data.get("original_start")
        start, end = data.get("start"), data.get("end")
        if series is None or original is None:
            return data
        if data.get("is_extra"):
            data["start"] = start = start or original
            if end is None:
                self.add_error("end", _("Give an end for an extra date."))
        else:
            info = schedule.find_date(series, schedule.as_local(original).date().isoformat())
            if info is None or info.original_start != original:
                self.add_error(
                    "original_start",
                    _("The series has no meeting at that time. Tick “extra date” to add one."),
                )
        if (start is None) != (end is None):
            self.add_error("end", _("Give a start and an end."))
        elif start and end and end <= start:
            self.add_error("end", _("The meeting must end after it starts."))
        return data

    def save(self, commit=True):
        row = super().save(commit=False)
        changed = {"status", "start", "end", "location"} & set(self.changed_data)
        if row.start and not row.is_extra and row.status == OccurrenceStatus.SCHEDULED:
            row.status = OccurrenceStatus.MOVED
        if changed and row.pk:
            row.sequence += 1
        if commit:
            with transaction.atomic():
                row.save()
                self.save_m2m()
                if changed:
                    MeetingSeriesPage.objects.filter(pk=row.series_id).update(
                        sequence=F("sequence") + 1
                    )
                    from .tasks import notify_date_changed

                    transaction.on_commit(lambda: notify_date_changed.enqueue(row.pk, row.sequence))
        return row


# Each town's managers see their town's dates and tasks only (superusers: all).
scope.register(Occurrence, page="series")
scope.register(Task, page="occurrence__series")


class OccurrenceViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Occurrence
    icon = "date"
    menu_label = gettext_lazy("Dates")
    name = "meetings-dates"
    list_display = ["__str__", "status", "start", "location"]
    list_filter = ["status", "series"]
    ordering = ["-original_start"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("series"), FieldPanel("original_start"), FieldPanel("is_extra")],
                heading=gettext_lazy("Date"),
            ),
            FieldPanel("status"),
            FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            FieldPanel("location"),
            FieldPanel("note"),
            InlinePanel("agenda_items", label=gettext_lazy("agenda")),
            FieldPanel("minutes"),
            InlinePanel("decisions", label=gettext_lazy("decisions")),
            InlinePanel("tasks", label=gettext_lazy("tasks")),
        ],
        base_form_class=OccurrenceForm,
    )


class TaskViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Task
    icon = "tasks"
    menu_label = gettext_lazy("Tasks")
    name = "meetings-tasks"
    list_display = ["title", "owner", "due_date", "done"]
    list_filter = ["done"]
    form_fields = ["title", "owner", "due_date", "done"]

    def get_queryset(self, request):
        return Task.objects.select_related("owner", "occurrence__series")


class MeetingsGroup(ViewSetGroup):
    items = (OccurrenceViewSet, TaskViewSet)
    menu_label = gettext_lazy("Meetings")
    menu_icon = "group"
    menu_name = "meetings"
    menu_order = 310


@hooks.register("register_admin_viewset")
def register_meetings_admin():
    return MeetingsGroup()
