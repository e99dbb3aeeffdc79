from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <day:>

from .consumers import ChatConsumer

# mounted under /ws/chat/ by treffpunkt.plugins.routing, refused where the plugin is off
websocket_urlpatterns = [path("rooms/<id:room_id>/", ChatConsumer.as_asgi())]
