"""Channel-layer group names and broadcasting from synchronous code (views, receivers)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


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
            room_group(message.room_id), {"type": "chat.message", "message": serialize(message)}
        )
