"""What people do in a room: post, edit, delete, read, mute, report.

Every function checks access itself and raises :class:`ChatError` with a translated message
when something is refused, changing nothing. Messages are stored before anyone hears of
them; the consumer broadcasts what these functions return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treffpunkt.core.badinput import CONTROL
from treffpunkt.core.converters import bounded_int
from treffpunkt.core.localize import format_datetime
from treffpunkt.core.ratelimit import hit

from . import formatting, menu
from .access import can_access, can_moderate, room_members
from .models import Connection, Mention, Message, Mute, ReadMarker, Report, Room

#: a connection that has not pinged for this long no longer counts as online
PRESENCE_TIMEOUT = dt.timedelta(seconds=90)
HISTORY_PAGE = 50


class ChatError(Exception):
    """A refused action, with a message for the person who tried it."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def setting(name: str):
    return apps.get_app_config("chat").setting(name)


@dataclass
class PostResult:
    message: Message
    mentions: list[Mention]


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ChatError(_("A message must be text."))
    text = text.strip()
    if not text:
        raise ChatError(_("The message is empty."))
    if CONTROL.search(text):
        # NUL and other control characters (line breaks and tabs are fine): no person
        # types them, and PostgreSQL refuses NUL in text
        raise ChatError(_("The message contains characters that cannot be sent."))
    limit = setting("MAX_MESSAGE_LENGTH")
    if len(text) > limit:
        raise ChatError(
            ngettext(
                "The message is too long: at most %(limit)d character.",
                "The message is too long: at most %(limit)d characters.",
                limit,
            )
            % {"limit": limit},
            code="too_long",
        )
    return text


def active_mute(user, room: Room) -> Mute | None:
    return (
        Mute.objects.filter(room=room, user=user, until__gt=timezone.now())
        .order_by("-until")
        .first()
    )


def _check_may_write(user, room: Room) -> None:
    if not can_access(user, room):
        raise ChatError(_("You are no longer a member of this room."), code="forbidden")
    mute = active_mute(user, room)
    if mute is not None:
        raise ChatError(
            _("You are muted in this room until %(until)s.")
            % {"until": format_datetime(mute.until, "long")},
            code="muted",
        )


def check_event_rate(user, kind: str) -> None:
    """Typing and edit events are limited like messages (counted in the cache, shared by
    every process with Redis): a client cannot flood a room with them."""
    limit, seconds = setting("RATE_LIMIT_MESSAGES"), setting("RATE_LIMIT_SECONDS")
    if not hit(f"chat:{kind}:{user.pk}", limit, seconds):
        _too_fast(limit, seconds)


def _check_rate(user) -> None:
    limit, seconds = setting("RATE_LIMIT_MESSAGES"), setting("RATE_LIMIT_SECONDS")
    since = timezone.now() - dt.timedelta(seconds=seconds)
    if Message.objects.filter(author=user, created_at__gte=since).count() >= limit:
        _too_fast(limit, seconds)


def _too_fast(limit: int, seconds: int) -> None:
    raise ChatError(
        ngettext(
            "You are sending messages too fast: at most %(limit)d in %(seconds)d seconds. Please wait a moment.",
            "You are sending messages too fast: at most %(limit)d in %(seconds)d seconds. Please wait a moment.",
            limit,
        )
        % {"limit": limit, "seconds": seconds},
        code="rate_limited",
    )


def _mentions(room: Room, author, text: str) -> tuple[set[str], list]:
    tokens = formatting.mentioned_tokens(text)
    if not tokens:
        return set(), []
    candidates = room_members(room).exclude(pk=author.pk)
    found_tokens, users = set(), []
    for person in candidates.only("pk", "email", "first_name", "last_name"):
        hit = tokens & formatting.mention_handles(person)
        if hit:
            found_tokens |= hit
            users.append(person)
    return found_tokens, users


def post_message(user, room: Room, text: object) -> PostResult:
    """Store a message (and its mentions). The room row is locked while the id is drawn,
    so ids in a room are committed in order and "everything after id N" misses nothing."""
    text = _check_text(text)
    _check_may_write(user, room)
    tokens, mentioned = _mentions(room, user, text)
    with transaction.atomic():
        Room.objects.select_for_update().filter(pk=room.pk).first()
        _check_rate(user)
        message = Message.objects.create(
            room=room, author=user, text=text, html=formatting.render(text, tokens)
        )
        mentions = [Mention.objects.create(message=message, user=person) for person in mentioned]
        ReadMarker.objects.update_or_create(
            room=room, user=user, defaults={"last_read_id": message.pk}
        )
        if mentions:
            # one digest per person and hour: mailed now if none went out within the hour,
            # else by the periodic job (chat_mention_digest) when the hour is over
            from .tasks import send_mention_digest

            people = [m.user_id for m in mentions]
            transaction.on_commit(lambda: [send_mention_digest.enqueue(p) for p in people])
    message.author = user
    return PostResult(message, mentions)


def edit_message(user, message_id: object, text: object) -> Message:
    message = _own_message(user, message_id)
    text = _check_text(text)
    _check_may_write(user, message.room)
    tokens, _users = _mentions(message.room, user, text)
    message.text, message.html = text, formatting.render(text, tokens)
    message.edited_at = timezone.now()
    message.save(update_fields=["text", "html", "edited_at"])
    return message


def _message_in_room(message_id: object, room: Room | None = None) -> Message:
    pk = bounded_int(message_id, minimum=1)
    if pk is None:
        raise ChatError(_("This message does not exist."))
    qs = Message.objects.select_related("room", "room__site", "room__page", "author")
    if room is not None:
        qs = qs.filter(room=room)
    message = qs.filter(pk=pk, deleted_at__isnull=True).first()
    if message is None:
        raise ChatError(_("This message does not exist."), code="not_found")
    return message


def _own_message(user, message_id: object) -> Message:
    message = _message_in_room(message_id)
    if message.author_id != user.pk:
        raise ChatError(_("You can only edit your own messages."), code="forbidden")
    return message


def delete_message(user, message_id: object, room: Room | None = None) -> Message:
    """Authors delete their own messages, moderators anyone's. The row stays (ids and
    reports keep pointing at it); its text is gone."""
    message = _message_in_room(message_id, room)
    if not can_access(user, message.room):
        raise ChatError(_("You are no longer a member of this room."), code="forbidden")
    if message.author_id != user.pk and not can_moderate(user, message.room):
        raise ChatError(_("You can only delete your own messages."), code="forbidden")
    message.deleted_at, message.deleted_by = timezone.now(), user
    message.text, message.html = "", ""
    message.save(update_fields=["deleted_at", "deleted_by", "text", "html"])
    return message


def messages_after(room: Room, after_id: int, limit: int | None = None) -> list[Message]:
    qs = Message.objects.filter(room=room, pk__gt=after_id).select_related("author").order_by("pk")
    return list(qs[:limit] if limit else qs)


def messages_before(room: Room, before_id: int | None, limit: int = HISTORY_PAGE) -> list[Message]:
    """One page of history, oldest first, ending just before ``before_id`` (or now)."""
    qs = Message.objects.filter(room=room).select_related("author")
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    return list(reversed(qs.order_by("-pk")[:limit]))


def mark_read(user, room: Room, message_id: object) -> None:
    pk = bounded_int(message_id)
    if pk is None:
        return
    marker, _created = ReadMarker.objects.get_or_create(room=room, user=user)
    moved = pk > marker.last_read_id and ReadMarker.objects.filter(
        pk=marker.pk, last_read_id__lt=pk
    ).update(last_read_id=pk)
    if moved:
        menu.people_changed([user.pk])  # an update() sends no signal: the count moved
    Mention.objects.filter(
        user=user, message__room=room, message_id__lte=pk, seen_at__isnull=True
    ).update(seen_at=timezone.now())


def with_unread_counts(rooms: list[Room], user) -> list[Room]:
    """Set ``room.unread`` on each room, in one query whatever the number of rooms."""
    if not rooms:
        return rooms
    marker = ReadMarker.objects.filter(room=OuterRef("pk"), user=user).values("last_read_id")[:1]
    counts = dict(
        Room.objects.filter(pk__in=[r.pk for r in rooms])
        .annotate(seen=Coalesce(Subquery(marker), Value(0), output_field=IntegerField()))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__pk__gt=F("seen"), messages__deleted_at__isnull=True)
                & ~Q(messages__author=user),
            )
        )
        .values_list("pk", "unread")
    )
    for room in rooms:
        room.unread = counts.get(room.pk, 0)
    return rooms


# --- presence ------------------------------------------------------------------------------


def connect(user, room: Room, channel_name: str) -> None:
    stale = timezone.now() - PRESENCE_TIMEOUT
    Connection.objects.filter(room=room, last_seen__lt=stale).delete()
    Connection.objects.update_or_create(
        channel_name=channel_name,
        defaults={"room": room, "user": user, "last_seen": timezone.now()},
    )


def disconnect(channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).delete()


def heartbeat(channel_name: str) -> None:
    Connection.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def online_users(room: Room) -> list[dict]:
    fresh = timezone.now() - PRESENCE_TIMEOUT
    rows = (
        Connection.objects.filter(room=room, last_seen__gte=fresh)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    )
    seen: dict[int, dict] = {}
    for row in rows:
        seen.setdefault(row.user_id, {"id": row.user_id, "name": row.user.display_name})
    return list(seen.values())


def is_in_room(user, room: Room) -> bool:
    fresh = timezone.now() - PRESENCE_TIMEOUT
    return Connection.objects.filter(user=user, room=room, last_seen__gte=fresh).exists()


def is_online(user) -> bool:
    fresh = timezone.now() - PRESENCE_TIMEOUT
    return Connection.objects.filter(user=user, last_seen__gte=fresh).exists()


# --- moderation ----------------------------------------------------------------------------


def mute(moderator, room: Room, member, minutes: int, reason: str = "") -> Mute:
    if not can_moderate(moderator, room):
        raise ChatError(_("Only coordinators can mute members."), code="forbidden")
    if member.pk == moderator.pk:
        raise ChatError(_("You cannot mute yourself."))
    if not can_access(member, room):
        raise ChatError(_("This person is not a member of this room."))
    if not 1 <= minutes <= 60 * 24 * 30:
        raise ChatError(_("Choose a duration between one minute and 30 days."))
    return Mute.objects.create(
        room=room,
        user=member,
        until=timezone.now() + dt.timedelta(minutes=minutes),
        reason=reason[:300],
        created_by=moderator,
    )


def report(user, message_id: object, reason: object) -> Report:
    message = _message_in_room(message_id)
    if not can_access(user, message.room):
        raise ChatError(_("This message does not exist."), code="not_found")
    if not isinstance(reason, str) or not reason.strip():
        raise ChatError(_("Please say why you report this message."))
    if len(reason) > 1000:
        raise ChatError(_("The reason is too long: at most 1000 characters."))
    if Report.objects.filter(message=message, reporter=user).exists():
        raise ChatError(_("You have already reported this message."))
    return Report.objects.create(message=message, reporter=user, reason=reason.strip())


def serialize(message: Message) -> dict:
    """What a client receives about a message. ``html`` is safe to insert; ``text`` is for
    the author's edit box only and is never inserted as HTML."""
    return {
        "id": message.pk,
        "author": {"id": message.author_id, "name": message.author_name},
        "html": message.html,
        "text": message.text,
        "created": message.created_at.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
    }
