from treffpunkt.calendar import CalendarKind
from treffpunkt.plugins import ALL_PERMISSIONS, PluginConfig


class DummyPluginConfig(PluginConfig):
    """The worked example of docs/plugins.md: every declaration a plugin can make."""

    default = True
    name = "treffpunkt_dummy"
    label = "dummy"
    verbose_name = "Dummy"
    description = "Says hello; exists to test the plugin machinery."
    version = "1.0.0"
    requires = ">=0.1"
    default_enabled = True
    url_prefix = "dummy"
    default_settings = {"GREETING": "Hallo", "SHOUT": False}
    # the deployment must say who greets (PLUGINS_CONFIG["dummy"]["HOST_NAME"])
    required_settings = ("HOST_NAME",)
    # greetings never show on public pages: saving one keeps the page cache
    page_cache_ignore = ("dummy.greeting",)
    # integration managers edit everything of the plugin; network members may view greetings
    role_permissions = {"managers": ALL_PERMISSIONS, "members": ("view_greeting",)}
    calendar_kinds = (CalendarKind("dummy", "Dummy date", "Dummy dates"),)
    dashboard_panels = ("treffpunkt_dummy.receivers.greeting_panel",)
    report_sections = ("treffpunkt_dummy.receivers.greetings_section",)
    template_content = {
        "footer_links": ("treffpunkt_dummy/footer_link.html",),
        "account_links": ("treffpunkt_dummy/account_link.html",),
    }

    def ready(self):
        super().ready()
        from . import receivers  # noqa: F401 - connects the calendar receiver
