from django.urls import path

from .consumers import ChatConsumer

# mounted under /ws/chat/ by treffpunkt.plugins.routing, refused where the plugin is off
websocket_urlpatterns = [path("rooms/<int:room_id>/", ChatConsumer.as_asgi())]
