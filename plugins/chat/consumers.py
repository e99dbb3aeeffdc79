"""The websocket of a room: ``/ws/chat/rooms/<id>/?after=<last id>``.

Permission is checked at the handshake and again before every action; a person who loses
access (left the group, removed, deactivated) is told why and disconnected. Messages are
stored first and broadcast second, so a client that reconnects with the last id it saw
gets everything it missed from the database.

Client → server (JSON): ``{"type": "send", "text"}``, ``{"type": "edit", "id", "text"}``,
``{"type": "delete", "id"}``, ``{"type": "history", "before"}``, ``{"type": "read", "id"}``,
``{"type": "typing"}``, ``{"type": "ping"}``.
Server → client: ``hello`` (room, you, moderator flag), ``message`` (new or backfilled),
``update`` (edited or deleted), ``history`` (an older page), ``presence`` (the full
``online`` list once after connecting, then ``joined`` or ``left`` changes), ``typing``,
``error`` (code and translated text), ``closed`` (reason, then the socket closes).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from treffpunkt.core.converters import bounded_int
from treffpunkt.plugins.routing import site_for_scope

from . import services
from .access import can_access, can_moderate
from .broadcast import frame, room_group, user_group
from .models import Room

#: close codes: 4401 not signed in, 4403 not (or no longer) a member, 4404 no such room
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
BACKFILL_CHUNK = 200


def _language(scope) -> str:
    """The language of the page that opened the socket (sent as ?lang=)."""
    from django.conf import settings

    lang = parse_qs(scope.get("query_string", b"").decode()).get("lang", [""])[0]
    return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChatConsumer(AsyncJsonWebsocketConsumer):
    room: Room | None = None

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.language = _language(self.scope)
        self.room = None
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        room = await self._load_room(self.scope["url_route"]["kwargs"]["room_id"])
        if room is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not await database_sync_to_async(can_access)(self.user, room):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.room = room
        # Join the groups before reading the backlog: a message stored in between is then
        # both backfilled and broadcast (the client drops the duplicate by id), never neither.
        await self.channel_layer.group_add(room_group(room.pk), self.channel_name)
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        await self.accept()
        moderator = await database_sync_to_async(can_moderate)(self.user, room)
        await self.send_json(
            {
                "type": "hello",
                "room": room.pk,
                "user": {"id": self.user.pk, "name": self.user.display_name},
                "moderator": moderator,
            }
        )
        after = self._after_id()
        if after is not None:
            await self._backfill(after)
        await database_sync_to_async(services.connect)(self.user, room, self.channel_name)
        # The newcomer gets the whole list, everyone else only the change: a full list to
        # everyone on every arrival would grow with the square of the room's size.
        online = await database_sync_to_async(services.online_users)(room)
        await self.send_json({"type": "presence", "online": online})
        await self.channel_layer.group_send(
            room_group(room.pk),
            {
                "type": "chat.presence_change",
                "joined": {"id": self.user.pk, "name": self.user.display_name},
            },
        )

    def _after_id(self) -> int | None:
        raw = parse_qs(self.scope.get("query_string", b"").decode()).get("after", [""])[0]
        return bounded_int(raw)

    @database_sync_to_async
    def _load_room(self, room_id) -> Room | None:
        site = site_for_scope(self.scope)
        return Room.objects.select_related("site", "page").filter(pk=room_id, site=site).first()

    async def _backfill(self, after: int) -> None:
        while True:
            batch = await database_sync_to_async(services.messages_after)(
                self.room, after, BACKFILL_CHUNK
            )
            for message in batch:
                await self.send_json({"type": "message", "message": services.serialize(message)})
            if len(batch) < BACKFILL_CHUNK:
                return
            after = batch[-1].pk

    async def disconnect(self, code) -> None:
        if self.room is None:
            return
        await self.channel_layer.group_discard(room_group(self.room.pk), self.channel_name)
        await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        await database_sync_to_async(services.disconnect)(self.channel_name)
        # another tab or phone of the same person may still be here
        if not await database_sync_to_async(services.is_in_room)(self.user, self.room):
            await self.channel_layer.group_send(
                room_group(self.room.pk), {"type": "chat.presence_change", "left": self.user.pk}
            )

    # --- from the client -------------------------------------------------------------

    async def receive_json(self, content, **kwargs) -> None:
        if self.room is None:
            return
        if not isinstance(content, dict):
            await self._error("invalid", _("This request is not understood."))
            return
        kind = content.get("type")
        if not isinstance(kind, str):  # a list or an object as the type: not understood
            await self._error("invalid", _("This request is not understood."))
            return
        if kind == "ping":
            await database_sync_to_async(services.heartbeat)(self.channel_name)
            await self.send_json({"type": "pong"})
            return
        # Access is checked again for every action: membership may have ended meanwhile, so
        # the roles cached on this long-lived user object are dropped first.
        if not await database_sync_to_async(self._still_allowed)():
            await self._close_revoked()
            return
        handler = {
            "send": self._on_send,
            "edit": self._on_edit,
            "delete": self._on_delete,
            "history": self._on_history,
            "read": self._on_read,
            "typing": self._on_typing,
        }.get(kind)
        if handler is None:
            await self._error("invalid", _("This request is not understood."))
            return
        try:
            with translation.override(self.language):
                await handler(content)
        except services.ChatError as exc:
            await self._error(exc.code, exc.message, content.get("client_id"))

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # Channels raises on a frame without text (an empty or a binary one), which ended the
        # socket with an error logged; the client is told it was not understood instead.
        if not text_data:
            if self.room is not None:
                with translation.override(self.language):
                    await self._error("invalid", _("This request is not understood."))
            return
        await super().receive(text_data=text_data, **kwargs)

    async def decode_json(self, text_data):
        import json

        try:
            return json.loads(text_data)
        except (ValueError, RecursionError):  # not JSON, or nested beyond the parser
            return None

    async def _on_send(self, content) -> None:
        result = await database_sync_to_async(self._translated(services.post_message))(
            self.user, self.room, content.get("text")
        )
        payload = services.serialize(result.message)
        payload["client_id"] = content.get("client_id")
        await self.channel_layer.group_send(room_group(self.room.pk), frame("message", payload))

    async def _on_edit(self, content) -> None:
        message = await database_sync_to_async(self._translated(self._edit))(content)
        await self._broadcast_update(message)

    def _edit(self, content):
        services.check_event_rate(self.user, "edit")
        message = services.edit_message(self.user, content.get("id"), content.get("text"))
        if message.room_id != self.room.pk:
            raise services.ChatError(_("This message does not exist."), code="not_found")
        return message

    async def _on_delete(self, content) -> None:
        message = await database_sync_to_async(self._translated(services.delete_message))(
            self.user, content.get("id"), self.room
        )
        await self._broadcast_update(message)

    async def _on_history(self, content) -> None:
        before = bounded_int(content.get("before"), minimum=1)
        page = await database_sync_to_async(services.messages_before)(self.room, before)
        await self.send_json(
            {
                "type": "history",
                "messages": [services.serialize(m) for m in page],
                "complete": len(page) < services.HISTORY_PAGE,
            }
        )

    async def _on_read(self, content) -> None:
        await database_sync_to_async(services.mark_read)(self.user, self.room, content.get("id"))

    async def _on_typing(self, content) -> None:
        try:
            await database_sync_to_async(services.check_event_rate)(self.user, "typing")
        except services.ChatError:
            return  # beyond the limit typing events are dropped silently
        await self.channel_layer.group_send(
            room_group(self.room.pk),
            {"type": "chat.typing", "user": {"id": self.user.pk, "name": self.user.display_name}},
        )

    def _translated(self, func):
        language = self.language

        def run(*args, **kwargs):
            with translation.override(language):
                return func(*args, **kwargs)

        return run

    async def _error(self, code: str, text: str, client_id=None) -> None:
        await self.send_json(
            {"type": "error", "code": code, "message": text, "client_id": client_id}
        )

    async def _close_revoked(self) -> None:
        with translation.override(self.language):
            reason = _("You are no longer a member of this room.")
        await self.send_json({"type": "closed", "code": CLOSE_FORBIDDEN, "reason": reason})
        await self.close(code=CLOSE_FORBIDDEN, reason="membership ended")

    async def _broadcast_update(self, message) -> None:
        await self.channel_layer.group_send(
            room_group(self.room.pk), frame("update", services.serialize(message))
        )

    # --- from the channel layer ------------------------------------------------------

    #: layer events relayed to the socket without touching the database
    RELAYED = frozenset({"chat.message", "chat.update", "chat.presence_change", "chat.typing"})

    async def dispatch(self, message) -> None:
        # Channels closes stale database connections before every handler, a hop to the one
        # database thread. A room of 200 would make 200 hops per message, one after another;
        # relayed events skip it (handlers that query go through database_sync_to_async,
        # which closes stale connections itself).
        if message["type"] in self.RELAYED:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    async def chat_message(self, event) -> None:
        # encoded once by the sender for the whole room, not once per socket
        await self.send(text_data=event["text"])

    async def chat_update(self, event) -> None:
        await self.send(text_data=event["text"])

    async def chat_presence_change(self, event) -> None:
        if "joined" in event:
            await self.send_json({"type": "presence", "joined": event["joined"]})
        else:
            await self.send_json({"type": "presence", "left": event["left"]})

    async def chat_typing(self, event) -> None:
        if event["user"]["id"] != self.user.pk:
            await self.send_json({"type": "typing", "user": event["user"]})

    async def chat_recheck(self, event) -> None:
        """Sent to a person's group when their memberships changed."""
        if self.room is None:
            return
        fresh = await database_sync_to_async(self._fresh_user)()
        if fresh is None or not await database_sync_to_async(can_access)(fresh, self.room):
            await self._close_revoked()
            return
        self.user = fresh

    def _still_allowed(self) -> bool:
        from treffpunkt.accounts.roles import reread

        reread(self.user)  # from the database: even a change no signal reported counts
        return can_access(self.user, self.room)

    def _fresh_user(self):
        from django.contrib.auth import get_user_model

        from treffpunkt.accounts.roles import reread

        fresh = get_user_model().objects.filter(pk=self.user.pk).first()
        if fresh is not None:
            reread(fresh)
        return fresh
