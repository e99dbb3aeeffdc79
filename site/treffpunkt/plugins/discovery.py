"""Finding plugins before Django starts: this runs inside the settings module."""

from __future__ import annotations

from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "treffpunkt.plugins"


def entry_point_plugins() -> dict[str, str]:
    """Module names of installed plugins, each mapped to the distribution that ships it."""
    found: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist else "unknown"
        found[ep.value.split(":")[0]] = dist
    return found


def plugin_app_names(builtin: list[str], exclude: list[str]) -> list[str]:
    """Built-in plugins, then those found by entry point, less the excluded ones.

    ``exclude`` may name a plugin by module ("plugins.chat") or by its last part ("chat").
    """
    excluded = {name.strip() for name in exclude if name.strip()}
    names: list[str] = []
    for module in [*builtin, *entry_point_plugins()]:
        if module in names or module in excluded or module.rsplit(".", 1)[-1] in excluded:
            continue
        names.append(module)
    return names
