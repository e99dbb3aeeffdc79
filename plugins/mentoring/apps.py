from django.utils.translation import gettext_lazy as _

from treffpunkt.plugins import ALL_PERMISSIONS, PluginConfig


class MentoringConfig(PluginConfig):
    default = True
    name = "plugins.mentoring"
    label = "mentoring"
    verbose_name = _("Mentoring")
    description = _("Mentoring and tandems: applications, suggested matches, check-ins.")
    version = "0.1.0"
    requires = ">=0.1,<1"
    default_enabled = True
    url_prefix = "patenschaften"
    default_settings = {
        # how long an application waits for its double opt-in before it is deleted
        "UNCONFIRMED_DAYS": 7,
        # how long after a match ended its personal data are kept
        "ANONYMISE_AFTER_DAYS": 365,
        # an extended police certificate (erweitertes Führungszeugnis) counts this long
        "CERTIFICATE_VALID_YEARS": 5,
    }
    # Nothing of a programme shows on public pages' cached HTML.
    page_cache_ignore = ("mentoring",)
    role_permissions = {"managers": ALL_PERMISSIONS}
    dashboard_panels = ("plugins.mentoring.receivers.mentoring_panel",)
    admin_panels = ("plugins.mentoring.workbench.coordination_panel",)
    report_sections = ("plugins.mentoring.receivers.mentoring_report_section",)

    def ready(self) -> None:
        super().ready()
        from django.apps import apps

        from . import receivers  # noqa: F401 - connects the person signals

        if apps.is_installed("plugins.chat"):
            from .chat import connect_room_members

            connect_room_members()
