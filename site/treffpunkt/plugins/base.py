from __future__ import annotations

from typing import Any, ClassVar

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version


class PluginConfig(AppConfig):
    """The ``AppConfig`` of a plugin, with the metadata the core reads.

    Subclass it in the plugin's ``apps.py`` and set ``default = True`` on the subclass so
    that Django picks it. ``requires`` is checked at start-up against Treffpunkt's version;
    a mismatch stops the process with a message that names the plugin and both versions.
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
    #: how the plugin reached this process: "builtin" or "entry point <dist>"
    origin: str = "builtin"

    def __init__(self, app_name: str, app_module: Any) -> None:
        from .discovery import entry_point_plugins

        super().__init__(app_name, app_module)
        dist = entry_point_plugins().get(app_name)
        self.origin = f"entry point ({dist})" if dist else "builtin"
        self.check_requires()

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
        super().ready()
