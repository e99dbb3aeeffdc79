from django.utils.translation import gettext_lazy as _

from treffpunkt.calendar import CalendarKind
from treffpunkt.plugins import ALL_PERMISSIONS, PluginConfig


class MeetingsConfig(PluginConfig):
    default = True
    name = "plugins.meetings"
    label = "meetings"
    verbose_name = _("Meetings")
    description = _("Recurring meetings with agenda, minutes, tasks and RSVP.")
    version = "0.1.0"
    requires = ">=0.1,<1"
    default_enabled = True
    url_prefix = "treffen"
    default_settings = {"INVITATION_DAYS_BEFORE": 3}
    calendar_kinds = (CalendarKind("meeting", _("Meeting"), _("Meetings")),)
    page_cache_ignore = ("meetings.delivery", "meetings.feedtoken", "meetings.notificationoptout")
    role_permissions = {"managers": ALL_PERMISSIONS}
    dashboard_panels = ("plugins.meetings.receivers.meetings_panel",)
    admin_panels = ("plugins.meetings.workbench.tasks_due_panel",)
    notification_settings = ("plugins.meetings.settings_section.meeting_emails",)
    template_content = {"group_space": ("meetings/group_space.html",)}
    report_sections = ("plugins.meetings.receivers.meetings_report_section",)

    def ready(self) -> None:
        super().ready()
        from treffpunkt.core import chrome, generations

        from . import receivers  # noqa: F401 - connects the signal receivers
        from .models import Occurrence, SeriesHistory

        # The dates each process keeps (schedule._kept_dates) last while the chrome's
        # generation does: a saved or deleted date or earlier rule starts a new one (and so
        # does a saved series page, a page like any other).
        generations.connect_saved_and_deleted(
            chrome.chrome_changed, (Occurrence, SeriesHistory), uid="meetings_kept_dates"
        )
