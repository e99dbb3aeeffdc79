"""Mounts every plugin's ``urls.py`` under its ``url_prefix``, namespaced ``plugins:<label>``."""

from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path

from .registry import all_plugins


def plugin_urlpatterns() -> list:
    patterns = []
    for plugin in all_plugins():
        module_name = f"{plugin.name}.urls"
        if find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        prefix = f"{plugin.mount_prefix}/" if plugin.mount_prefix else ""
        patterns.append(
            path(prefix, include((module.urlpatterns, plugin.label), namespace=plugin.label))
        )
    return [path("", include((patterns, "plugins"), namespace="plugins"))]
