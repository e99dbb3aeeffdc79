"""The plugin API: what a plugin is, how it is found, and where it is switched on.

A plugin is a Django app whose ``apps.py`` holds a subclass of :class:`PluginConfig`.
Built-in plugins are listed in ``settings.BUILTIN_PLUGINS``; others are found through the
entry-point group ``treffpunkt.plugins``. Each Wagtail ``Site`` switches plugins on or off in
its "Plugins" site setting (see :mod:`treffpunkt.plugins.models`).
"""

from .base import ALL_PERMISSIONS, PluginConfig

__all__ = ["ALL_PERMISSIONS", "PluginConfig"]
