"""Background work: mentions become one email digest per person and hour, for people who
were offline and want mails."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from treffpunkt.core.tasks import MAIL

from .models import Mention, NotificationPreference

#: mentions listed in one mail at most (the rest are counted, the chat shows them all)
DIGEST_SHOWN = 20
#: characters of a message quoted in the mail
QUOTE = 300


def digest_interval() -> dt.timedelta:
    from django.apps import apps

    return dt.timedelta(minutes=apps.get_app_config("chat").setting("MENTION_DIGEST_MINUTES"))


def pending_mentions(user_id: int):
    """Mentions of the person not seen in the chat, not mailed, of messages not deleted."""
    return Mention.objects.filter(
        user_id=user_id,
        emailed_at__isnull=True,
        seen_at__isnull=True,
        message__deleted_at__isnull=True,
    )


def last_digest(user_id: int):
    return Mention.objects.filter(user_id=user_id).aggregate(last=Max("emailed_at"))["last"]


def due_people() -> list[int]:
    """The people with pending mentions whose last digest is an interval old (or none)."""
    since = timezone.now() - digest_interval()
    waiting = set(pending_mentions_all().values_list("user_id", flat=True).distinct())
    recent = set(
        Mention.objects.filter(user_id__in=waiting, emailed_at__gt=since)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sorted(waiting - recent)


def pending_mentions_all():
    return Mention.objects.filter(
        emailed_at__isnull=True, seen_at__isnull=True, message__deleted_at__isnull=True
    )


@task(**MAIL)
def send_mention_digest(user_id: int) -> int:
    """Mail the person one digest of their pending mentions, if they are offline, want
    mails and got no digest within ``MENTION_DIGEST_MINUTES``; the number of mentions mailed.

    The person's row is locked while the mail goes out and the mentions are marked in the
    same transaction, so a task run twice (a retried job, two workers, the periodic job and
    a new message at once) sends one mail; a failed send raises and rolls the marks back,
    and the periodic job (``chat_mention_digest``) tries again.
    """
    from . import services

    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if user is None or not user.is_active or not NotificationPreference.wants_email(user):
            return 0
        last = last_digest(user_id)
        if last is not None and timezone.now() - last < digest_interval():
            return 0  # the periodic job sends the next digest when the hour is over
        mentions = list(
            pending_mentions(user_id)
            .select_related("message", "message__author", "message__room__site")
            .order_by("id")
        )
        if not mentions or services.is_online(user):
            return 0
        with translation.override(user.preferred_language):
            items = []
            for mention in mentions[:DIGEST_SHOWN]:
                message, room = mention.message, mention.message.room
                path = reverse("plugins:chat:room", kwargs={"room_id": room.pk})
                text = message.text
                items.append(
                    {
                        "author": message.author_name,
                        "room": room,
                        "text": text if len(text) <= QUOTE else text[: QUOTE - 1] + "…",
                        "url": f"{room.site.root_url}{path}#message-{message.pk}",
                    }
                )
            context = {
                "user": user,
                "items": items,
                "count": len(mentions),
                "more": len(mentions) - len(items),
                "author": items[0]["author"],
                "room": items[0]["room"],
            }
            subject = render_to_string("chat/email/mention_subject.txt", context).strip()
            body = render_to_string("chat/email/mention.txt", context)
        send_mail(subject, body, None, [user.email])
        Mention.objects.filter(pk__in=[m.pk for m in mentions]).update(emailed_at=timezone.now())
        return len(mentions)
