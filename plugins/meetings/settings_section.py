"""The meetings' section of the notification-settings page (declared in
``MeetingsConfig.notification_settings``): which meeting emails a person wants, and the
way to their personal calendar address."""

from __future__ import annotations

from django.utils.translation import gettext as _

from treffpunkt.accounts.notifications import NotificationSection

from . import access
from .models import NotificationKind, NotificationOptOut

KEY = "meetings"


def meeting_emails(sender, request, **kwargs) -> NotificationSection | None:
    user = request.user
    if sender is None or not access.participating_series(sender, user).exists():
        return None
    opted_out = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    choices = [
        {"name": f"{KEY}-{value}", "label": label, "checked": value not in opted_out}
        for value, label in NotificationKind.choices
    ]

    def save(data) -> None:
        for kind in NotificationKind.values:
            if f"{KEY}-{kind}" in data:
                NotificationOptOut.objects.filter(user=user, kind=kind).delete()
            else:
                NotificationOptOut.objects.get_or_create(user=user, kind=kind)

    return NotificationSection(
        key=KEY,
        title=_("Meetings"),
        template="meetings/notification_settings.html",
        context={"choices": choices},
        save=save,
        order=20,
    )
