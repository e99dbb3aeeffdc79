"""Channel-layer group names and broadcasting from synchronous code (views, receivers)."""

from __future__ import annotations

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder


def frame(kind: str, payload: dict) -> dict:
    """A channel-layer event carrying the websocket frame ready to send: the JSON is encoded
    once for the whole room (and the layer copies one short string per socket)."""
    return {
        "type": f"chat.{kind}",
        "text": json.dumps({"type": kind, "message": payload}, cls=DjangoJSONEncoder),
    }


def room_group(room_id: int) -> str:
    return f"chat.room.{room_id}"


def user_group(user_id: int) -> str:
    return f"chat.user.{user_id}"


def broadcast_message(message) -> None:
    """Tell the room's open sockets about a message stored outside a websocket. If the
    layer is down, the message is stored anyway and clients get it when they backfill."""
    from .services import serialize

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            room_group(message.room_id), frame("message", serialize(message))
        )
