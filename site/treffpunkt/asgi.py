"""ASGI entry point: HTTP through Django, websockets through the plugins' routes."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treffpunkt.settings")

from treffpunkt.core.inflight import get_asgi_application  # noqa: E402

# Django's handler, a few requests at a time in Django's work (see the module)
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from treffpunkt.accounts.mfa import WebsocketMFAGate  # noqa: E402
from treffpunkt.calendar.polls import ConditionalFeedPolls  # noqa: E402
from treffpunkt.core.origin import ExactOriginValidator  # noqa: E402
from treffpunkt.plugins.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # a calendar app's repeated poll of an unchanged public feed: 304 before Django
        "http": ConditionalFeedPolls(django_asgi_app),
        # the Origin must be exactly the site's own; staff sockets need the second factor too
        "websocket": ExactOriginValidator(
            AuthMiddlewareStack(WebsocketMFAGate(URLRouter(websocket_urlpatterns())))
        ),
    }
)

# Everything loaded so far (Django, Wagtail, the apps' modules) lives as long as the process.
# Kept out of the collector's generations, a full collection walks only what requests and
# sockets create: it took a few hundred milliseconds and stalled every open websocket.
gc.freeze()
