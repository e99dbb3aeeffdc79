"""The chat's section of the notification-settings page (declared in
``ChatConfig.notification_settings``): whether a mention reaches a person by email while
they are offline."""

from __future__ import annotations

from django.utils.translation import gettext as _

from treffpunkt.accounts.notifications import NotificationSection

from .access import accessible_rooms
from .models import NotificationPreference

KEY = "chat"


def chat_emails(sender, request, **kwargs) -> NotificationSection | None:
    user = request.user
    if sender is None or not accessible_rooms(user, sender):
        return None

    def save(data) -> None:
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"email_mentions": f"{KEY}-email_mentions" in data}
        )

    return NotificationSection(
        key=KEY,
        title=_("Chat"),
        template="chat/notification_settings.html",
        context={
            "email_mentions": NotificationPreference.wants_email(user),
            "label": NotificationPreference._meta.get_field("email_mentions").verbose_name,
        },
        save=save,
        order=30,
    )
