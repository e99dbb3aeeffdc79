from django.http import Http404
from wagtail import hooks
from wagtail.models import Site

from . import registry


@hooks.register("before_serve_page")
def refuse_pages_of_disabled_plugins(page, request, serve_args, serve_kwargs):
    plugin = registry.plugin_for_module(page.specific_class.__module__)
    if plugin is not None and not registry.is_enabled(plugin.label, Site.find_for_request(request)):
        raise Http404("This plugin is not available on this site.")


@hooks.register("construct_main_menu")
def hide_menu_items_of_disabled_plugins(request, menu_items):
    """Plugins name their menu items "<label>" or "<label>-…"; hide those where it is off."""
    site = Site.find_for_request(request)
    enabled = registry.enabled_labels(site)
    disabled = [p.label for p in registry.all_plugins() if p.label not in enabled]
    if not disabled:
        return
    menu_items[:] = [
        item
        for item in menu_items
        if not any(item.name == label or item.name.startswith(f"{label}-") for label in disabled)
    ]
