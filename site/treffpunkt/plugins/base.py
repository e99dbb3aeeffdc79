from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

if TYPE_CHECKING:
    from treffpunkt.calendar.kinds import CalendarKind

#: ``role_permissions`` value: every permission of the plugin's own models
ALL_PERMISSIONS = "__all__"


class PluginConfig(AppConfig):
    """The ``AppConfig`` of a plugin, with the metadata the core reads.

    Subclass it in the plugin's ``apps.py`` and set ``default = True`` on the subclass so
    that Django picks it. ``requires`` is checked at start-up against Treffpunkt's version
    and ``required_settings`` against the deployment's ``PLUGINS_CONFIG``; a mismatch stops
    the process with a message that names the plugin and what is wrong.

    The other class attributes declare what the plugin adds to the core; the core reads them
    from the registry (:mod:`treffpunkt.plugins.registry`), so no core setting names a
    plugin. docs/plugins.md describes each.
    """

    #: short, stable identifier; also the URL namespace ``plugins:<label>``
    label: str
    verbose_name: str
    #: one sentence for the admin and ``manage.py plugins``
    description: ClassVar[str] = ""
    version: ClassVar[str] = "0.0.0"
    #: a PEP 440 version specifier on treffpunkt, e.g. ">=0.1,<1"
    requires: ClassVar[str] = ""
    #: whether a site that never chose has the plugin on
    default_enabled: ClassVar[bool] = True
    #: where ``urls.py`` is mounted (below the language prefix); defaults to the label
    url_prefix: ClassVar[str | None] = None
    #: settings with their defaults, overridable per deployment in ``PLUGINS_CONFIG[label]``
    default_settings: ClassVar[dict[str, Any]] = {}
    #: settings the deployment must set in ``PLUGINS_CONFIG[label]`` (checked at start-up)
    required_settings: ClassVar[tuple[str, ...]] = ()
    #: models ("label.model") or whole apps ("label") whose saves never show on public
    #: pages, so they leave the page cache alone (see treffpunkt.core.pagecache)
    page_cache_ignore: ClassVar[tuple[str, ...]] = ()
    #: admin permissions each role gets on the plugin's models: role key (``"managers"`` or
    #: ``"members"``, see treffpunkt.accounts.roles) to ``ALL_PERMISSIONS`` or codenames
    role_permissions: ClassVar[dict[str, str | tuple[str, ...]]] = {}
    #: the kinds of calendar entries the plugin contributes (treffpunkt.calendar.kinds)
    calendar_kinds: ClassVar[tuple[CalendarKind, ...]] = ()
    #: dotted paths of functions that answer ``treffpunkt.signals.dashboard_panels``
    dashboard_panels: ClassVar[tuple[str, ...]] = ()
    #: dotted paths of functions that answer ``treffpunkt.signals.admin_panels``
    admin_panels: ClassVar[tuple[str, ...]] = ()
    #: dotted paths of functions that answer ``treffpunkt.signals.report_sections``
    report_sections: ClassVar[tuple[str, ...]] = ()
    #: dotted paths of functions that answer ``treffpunkt.signals.notification_settings``
    notification_settings: ClassVar[tuple[str, ...]] = ()
    #: dotted paths of functions ``(user) -> bool``: whether the user holds a role of the
    #: plugin that reaches or moderates other people's data (e.g. a chat room's moderators);
    #: such people need the staff second factor (treffpunkt.accounts.mfa)
    second_factor_roles: ClassVar[tuple[str, ...]] = ()
    #: templates the plugin adds to the core's pages: slot name (see
    #: treffpunkt.plugins.templates.SLOTS) to a tuple of template names
    template_content: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: how the plugin reached this process: "builtin" or "entry point <dist>"
    origin: str = "builtin"

    def __init__(self, app_name: str, app_module: Any) -> None:
        from .discovery import entry_point_plugins

        super().__init__(app_name, app_module)
        dist = entry_point_plugins().get(app_name)
        self.origin = f"entry point ({dist})" if dist else "builtin"
        self.check_requires()
        self.check_required_settings()

    @property
    def mount_prefix(self) -> str:
        return (self.url_prefix if self.url_prefix is not None else self.label).strip("/")

    def check_requires(self) -> None:
        from treffpunkt import __version__

        if not self.requires:
            return
        try:
            spec = SpecifierSet(self.requires)
        except InvalidSpecifier as exc:
            raise ImproperlyConfigured(
                f"Plugin '{self.label}' declares an invalid requirement "
                f"requires={self.requires!r}: {exc}"
            ) from exc
        if Version(__version__) not in spec:
            raise ImproperlyConfigured(
                f"Plugin '{self.label}' {self.version} requires treffpunkt{self.requires}, "
                f"but this is treffpunkt {__version__}. Install a version of the plugin that "
                f"fits, or exclude it with TREFFPUNKT_PLUGINS_EXCLUDE={self.label}."
            )

    def check_required_settings(self) -> None:
        from django.conf import settings

        configured = getattr(settings, "PLUGINS_CONFIG", {}).get(self.label, {})
        missing = [name for name in self.required_settings if name not in configured]
        if missing:
            raise ImproperlyConfigured(
                f"Plugin '{self.label}' needs the setting(s) {', '.join(missing)}: set them in "
                f"PLUGINS_CONFIG['{self.label}'] (TREFFPUNKT_PLUGINS_CONFIG), or exclude the "
                f"plugin with TREFFPUNKT_PLUGINS_EXCLUDE={self.label}."
            )

    def setting(self, name: str) -> Any:
        """A plugin setting: the deployment's value from ``PLUGINS_CONFIG`` or the default."""
        from django.conf import settings

        configured = getattr(settings, "PLUGINS_CONFIG", {}).get(self.label, {})
        if name in configured:
            return configured[name]
        if name in self.default_settings:
            return self.default_settings[name]
        raise KeyError(f"Plugin '{self.label}' has no setting '{name}'")

    def ready(self) -> None:
        from . import registry

        registry.gate_page_types(self)
        registry.connect_declared_receivers(self)
        super().ready()
