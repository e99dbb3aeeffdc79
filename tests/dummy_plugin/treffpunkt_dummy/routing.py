from channels.generic.websocket import WebsocketConsumer
from django.urls import path


class EchoConsumer(WebsocketConsumer):
    def connect(self):
        self.accept()

    def receive(self, text_data=None, bytes_data=None):
        self.send(text_data=f"echo: {text_data}")


websocket_urlpatterns = [path("echo/", EchoConsumer.as_asgi())]
