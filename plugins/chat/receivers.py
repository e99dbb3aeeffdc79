"""Ending a membership ends the live connection too: the person's sockets re-check access.

The re-check goes through the channel layer (group ``chat.user.<id>``), so it reaches every
server process, and only after the change is committed, so the re-check sees it.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from networks.signals import membership_changed
from treffpunkt.signals import account_deleted, personal_data_export

from .broadcast import user_group

_pending: set[asyncio.Task] = set()


def recheck_connections(user_id: int) -> None:
    """Ask the open sockets of a person to check again whether they may stay."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": "chat.recheck"}
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the usual case: a sync view or task, no loop in this thread
            async_to_sync(layer.group_send)(user_group(user_id), message)
        else:  # called from code running inside an event loop: send on that loop
            task = loop.create_task(layer.group_send(user_group(user_id), message))
            _pending.add(task)  # keep a reference until it is done
            task.add_done_callback(_pending.discard)

    # robust: a channel layer that is down must not undo the membership change; every
    # socket also re-checks access before each action, so a missed re-check only delays
    # the goodbye.
    transaction.on_commit(send, robust=True)


@receiver(membership_changed, dispatch_uid="chat_membership_changed")
def on_membership_changed(sender, membership, old_status, new_status, **kwargs) -> None:
    if membership.user_id:
        recheck_connections(membership.user_id)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="chat_groups_changed")
def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Network membership is the Django group: leaving it leaves the network room."""
    if action not in {"post_remove", "post_clear"}:
        return
    if not reverse:
        recheck_connections(instance.pk)
    else:
        for user_id in pk_set or []:
            recheck_connections(user_id)


@receiver(post_save, sender=get_user_model(), dispatch_uid="chat_user_saved")
def on_user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if not created and not instance.is_active:
        recheck_connections(instance.pk)


def chat_panel(sender, request, **kwargs):
    """The dashboard's chat box: rooms with unread messages and new mentions."""
    from django.utils.translation import gettext as _

    from treffpunkt.accounts.dashboard import DashboardPanel

    from .access import accessible_rooms
    from .models import Mention
    from .services import with_unread_counts

    rooms = with_unread_counts(accessible_rooms(request.user, sender), request.user)
    if not rooms:
        return None
    mentions = Mention.objects.filter(
        user=request.user, seen_at__isnull=True, message__room__site=sender
    ).count()
    return DashboardPanel(
        title=_("Chat"),
        template="chat/dashboard_panel.html",
        context={"rooms": rooms, "mentions": mentions},
        order=40,
    )


# --- the core's person signals: they reach this plugin on every site, also where it is off
# (see treffpunkt.signals), so what it stored while it was on is not forgotten.


@receiver(account_deleted, dispatch_uid="chat_forget_person")
def forget_person(sender, user, **kwargs) -> None:
    """Messages stay so that conversations still read, shown as from a "deleted member";
    mentions, read markers, open connections, settings and mutes of the person go (their
    reports go with the account). Open sockets are closed."""
    from .models import Connection, Mention, Message, Mute, NotificationPreference, ReadMarker

    Message.objects.filter(author_id=user.pk).update(author=None)
    Message.objects.filter(deleted_by_id=user.pk).update(deleted_by=None)
    for model in (Mention, ReadMarker, Connection, Mute):
        model.objects.filter(user_id=user.pk).delete()
    NotificationPreference.objects.filter(user_id=user.pk).delete()
    recheck_connections(user.pk)


@receiver(personal_data_export, dispatch_uid="chat_export_person")
def export_person(sender, user, **kwargs) -> dict | None:
    from .models import Mention, Message, Mute, NotificationPreference, Report

    messages = [
        {
            "room": m.room.title,
            "text": m.text,
            "written_at": m.created_at,
            "edited_at": m.edited_at,
            "deleted_at": m.deleted_at,
        }
        for m in Message.objects.filter(author_id=user.pk).select_related("room")
    ]
    # Where the person was mentioned: room and time only (the message is someone else's).
    mentions = [
        {"room": m.message.room.title, "at": m.created_at, "seen_at": m.seen_at}
        for m in Mention.objects.filter(user_id=user.pk).select_related("message__room")
    ]
    reports = [
        {"room": r.message.room.title, "reason": r.reason, "status": r.status, "at": r.created_at}
        for r in Report.objects.filter(reporter_id=user.pk).select_related("message__room")
    ]
    mutes = [
        {"room": m.room.title, "until": m.until, "reason": m.reason}
        for m in Mute.objects.filter(user_id=user.pk).select_related("room")
    ]
    preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    if not (messages or mentions or reports or mutes or preference):
        return None
    return {
        "section": "chat",
        "data": {
            "messages": messages,
            "mentions": mentions,
            "reports_made": reports,
            "muted": mutes,
            "mentions_by_email": preference.email_mentions if preference else None,
        },
    }
