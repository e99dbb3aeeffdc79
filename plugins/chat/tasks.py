"""Background work: mentions become an email for people who were offline and want one."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from treffpunkt.core.tasks import MAIL

from .models import Mention, NotificationPreference


@task(**MAIL)
def notify_mention(mention_id: int) -> bool:
    """Mail one mention if its person is offline and asked for mails; True when mailed.

    The row is locked while the mail goes out and marked sent in the same transaction, so a
    task run twice (a retried job, two workers) sends one mail; a failed send raises, rolls
    the mark back and leaves the mention for the next try.
    """
    from . import services

    with transaction.atomic():
        mention = (
            Mention.objects.select_for_update()
            .filter(pk=mention_id, emailed_at__isnull=True, seen_at__isnull=True)
            .first()
        )
        if mention is None:
            return False
        mention = Mention.objects.select_related(
            "user", "message", "message__author", "message__room", "message__room__site"
        ).get(pk=mention.pk)
        user, message = mention.user, mention.message
        if (
            message.is_deleted
            or not user.is_active
            or not NotificationPreference.wants_email(user)
            or services.is_online(user)
        ):
            return False
        room = message.room
        with translation.override(user.preferred_language):
            path = reverse("plugins:chat:room", kwargs={"room_id": room.pk})
            context = {
                "user": user,
                "author": message.author_name,
                "room": room,
                "text": message.text,
                "url": f"{room.site.root_url}{path}#message-{message.pk}",
            }
            subject = render_to_string("chat/email/mention_subject.txt", context).strip()
            body = render_to_string("chat/email/mention.txt", context)
        send_mail(subject, body, None, [user.email])
        mention.emailed_at = timezone.now()
        mention.save(update_fields=["emailed_at"])
        return True
