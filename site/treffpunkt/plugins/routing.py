"""Websocket routes of all plugins, each refused on sites where its plugin is off."""

from importlib import import_module
from importlib.util import find_spec

from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.http import HttpRequest
from django.urls import path
from wagtail.models import Site

from . import registry

#: close code sent when a plugin is not available on the site of the connection
CLOSE_PLUGIN_DISABLED = 4404


def site_for_scope(scope) -> Site | None:
    headers = dict(scope.get("headers") or [])
    request = HttpRequest()
    request.META["HTTP_HOST"] = headers.get(b"host", b"").decode("latin-1")
    server = scope.get("server") or ("", 80)
    request.META["SERVER_NAME"], request.META["SERVER_PORT"] = server[0] or "", str(server[1])
    try:
        return Site.find_for_request(request)
    except Exception:  # noqa: BLE001 - a bad Host header means no site
        return None


class PluginGuard:
    """ASGI middleware that refuses a websocket handshake where the plugin is off."""

    #: tells channels' URLRouter that the plugin's routes continue below this prefix
    _path_routing = True

    def __init__(self, label: str, inner):
        self.label = label
        self.inner = inner

    async def __call__(self, scope, receive, send):
        allowed = await database_sync_to_async(self._allowed)(scope)
        if not allowed:
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": CLOSE_PLUGIN_DISABLED})
            return None
        return await self.inner(scope, receive, send)

    def _allowed(self, scope) -> bool:
        site = site_for_scope(scope)
        return site is not None and registry.is_enabled(self.label, site)


def websocket_urlpatterns() -> list:
    patterns = []
    for plugin in registry.all_plugins():
        module_name = f"{plugin.name}.routing"
        if find_spec(module_name) is None:
            continue
        module = import_module(module_name)
        inner = URLRouter(module.websocket_urlpatterns)
        patterns.append(path(f"ws/{plugin.mount_prefix}/", PluginGuard(plugin.label, inner)))
    return patterns
