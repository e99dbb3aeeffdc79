"""The kinds of calendar entries, as the apps that contribute them declare them.

An app (a plain ``AppConfig`` or a ``PluginConfig``) lists what it puts into the calendar::

    calendar_kinds = (CalendarKind("meeting", _("Meeting"), _("Meetings")),)

The calendar's type filter and the "upcoming events" block offer exactly the declared kinds;
a plugin's kinds only on the sites where the plugin is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from wagtail.models import Site


@dataclass(frozen=True)
class CalendarKind:
    #: the value of ``CalendarEntry.kind`` and of the ``kind`` filter
    key: str
    #: one entry of this kind ("Conference")
    label: Any
    #: many of them, for choices such as "show only …" ("Conferences")
    plural_label: Any = None


def declared_kinds(site: Site | None = None) -> list[CalendarKind]:
    """Every declared kind in app order; with a site, only apps that are on for it."""
    from treffpunkt.plugins import registry
    from treffpunkt.plugins.base import PluginConfig

    kinds: list[CalendarKind] = []
    for config in apps.get_app_configs():
        declared = getattr(config, "calendar_kinds", ())
        if not declared:
            continue
        if (
            site is not None
            and isinstance(config, PluginConfig)
            and not registry.is_enabled(config.label, site)
        ):
            continue
        kinds.extend(declared)
    return kinds


def kind_choices(site: Site | None = None) -> list[tuple[str, Any]]:
    """(key, label) for each declared kind: the calendar's type filter."""
    return [(kind.key, kind.label) for kind in declared_kinds(site)]


def block_kind_choices() -> list[tuple[str, Any]]:
    """(key, plural label) of every declared kind: the "upcoming events" block's choice.

    A callable, so that the block's migrations do not change with the installed plugins.
    """
    return [(kind.key, kind.plural_label or kind.label) for kind in declared_kinds()]
