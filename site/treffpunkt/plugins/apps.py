from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PluginFrameworkConfig(AppConfig):
    """The core app that holds the plugin machinery (not itself a plugin)."""

    name = "treffpunkt.plugins"
    label = "treffpunkt_plugins"
    verbose_name = _("Plugins")
