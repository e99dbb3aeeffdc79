"""Which plugins this process has, and which of them a Wagtail ``Site`` has switched on.

Nothing is kept in module globals: the enabled set is read from the database and cached on
the ``Site`` instance, which lives as long as one request (Wagtail caches it on the request).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils.module_loading import import_string

from .base import PluginConfig

if TYPE_CHECKING:
    from wagtail.models import Site

_CACHE_ATTR = "_treffpunkt_enabled_plugins"


#: the installed apps' registry this process last listed the plugins of, and that list
_listed: list = [None, []]


def all_plugins() -> list[PluginConfig]:
    """The installed plugins, in the order of ``INSTALLED_APPS`` (listed once per set of
    installed apps: every page asks several times)."""
    configs = apps.app_configs
    if _listed[0] is configs:
        return list(_listed[1])
    found = [cfg for cfg in apps.get_app_configs() if isinstance(cfg, PluginConfig)]
    if apps.ready:  # tests that install other apps get a registry of their own
        _listed[0], _listed[1] = configs, found
    return list(found)


def get_plugin(label: str) -> PluginConfig | None:
    cfg = next((c for c in all_plugins() if c.label == label), None)
    return cfg


def plugin_for_module(module: str | None) -> PluginConfig | None:
    """The plugin a module belongs to, or None for core code."""
    if not module:
        return None
    cfg = apps.get_containing_app_config(module)
    return cfg if isinstance(cfg, PluginConfig) else None


def enabled_labels(site: Site | None) -> frozenset[str]:
    """Labels of the plugins switched on for ``site`` (all default-enabled ones for None)."""
    if site is not None:
        cached = getattr(site, _CACHE_ATTR, None)
        if cached is not None:
            return cached
    plugins = all_plugins()
    if site is None:
        return frozenset(p.label for p in plugins if p.default_enabled)
    from treffpunkt.core import chrome

    from .models import PluginSettings

    # kept with the chrome: renewed when a PluginSettings row is saved or deleted
    states = chrome.cached("plugin-states", site, "", lambda: PluginSettings.states_for_site(site))
    result = frozenset(p.label for p in plugins if states.get(p.label, p.default_enabled))
    setattr(site, _CACHE_ATTR, result)
    return result


def forget_cached_state(site: Site) -> None:
    if hasattr(site, _CACHE_ATTR):
        delattr(site, _CACHE_ATTR)


def is_enabled(label: str, site: Site | None) -> bool:
    return label in enabled_labels(site)


def page_type_is_off(page, site: Site | None) -> bool:
    """Whether ``page`` is of a type of a plugin switched off for ``site`` (a link to it
    would lead to "page not found")."""
    plugin = plugin_for_module(page.specific_class.__module__) if page.specific_class else None
    return plugin is not None and not is_enabled(plugin.label, site)


def without_pages_of_plugins_off(pages, site: Site | None):
    """``pages`` (a page queryset) without the page types of plugins switched off for
    ``site``: search results and lists never lead to a page that answers 404."""
    off = [
        model
        for plugin in all_plugins()
        if not is_enabled(plugin.label, site)
        for model in page_models(plugin)
    ]
    return pages.not_type(*off) if off else pages


def path_is_off(path: str, site: Site | None) -> bool:
    """Whether a site-relative ``path`` (with or without language prefix) lies below the
    URL prefix of a plugin switched off for ``site``."""
    from django.conf import settings

    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts and parts[0] in {code for code, _name in settings.LANGUAGES}:
        parts = parts[1:]
    if not parts:
        return False
    enabled = enabled_labels(site)
    return any(
        plugin.label not in enabled and plugin.mount_prefix and parts[0] == plugin.mount_prefix
        for plugin in all_plugins()
    )


def sites_enabled(plugin: PluginConfig) -> list[Site]:
    from wagtail.models import Site

    return [
        site for site in Site.objects.order_by("hostname", "port") if is_enabled(plugin.label, site)
    ]


def page_models(plugin: PluginConfig) -> Iterable[type]:
    from wagtail.models import Page

    return [m for m in plugin.get_models() if issubclass(m, Page)]


def gate_page_types(plugin: PluginConfig) -> None:
    """Let a plugin's page types be created only below pages of sites that enable it."""
    for model in page_models(plugin):
        original = model.can_create_at.__func__

        def can_create_at(cls, parent, _original=original, _label=plugin.label):
            if not _original(cls, parent):
                return False
            site = parent.get_site()
            return site is None or is_enabled(_label, site)

        model.can_create_at = classmethod(can_create_at)


def declared(attribute: str, site: Site | None = None) -> list[tuple[PluginConfig, object]]:
    """(plugin, value) for each declared value of ``attribute`` (a tuple or dict field of
    ``PluginConfig``); with a site, only plugins switched on for it."""
    found = []
    for plugin in all_plugins():
        if site is not None and not is_enabled(plugin.label, site):
            continue
        value = getattr(plugin, attribute, None)
        if not value:
            continue
        items = value.items() if isinstance(value, dict) else value
        found.extend((plugin, item) for item in items)
    return found


def connect_declared_receivers(plugin: PluginConfig) -> None:
    """Connect the functions a plugin names in ``dashboard_panels``, ``admin_panels``,
    ``report_sections`` and ``notification_settings``."""
    from treffpunkt import signals

    for attribute in (
        "dashboard_panels",
        "admin_panels",
        "report_sections",
        "notification_settings",
    ):
        signal = getattr(signals, attribute)
        for path in getattr(plugin, attribute, ()):
            signal.connect(import_string(path), dispatch_uid=f"{plugin.label}:{path}")
