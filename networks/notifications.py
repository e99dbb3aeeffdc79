"""networks/ on the notification-settings page: for each working group of this town the
person belongs to, whether the group's announcements come by email."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from treffpunkt.accounts.notifications import NotificationSection
from treffpunkt.signals import notification_settings

from .models import Membership

KEY = "groups"


def _memberships(user, site):
    return list(
        Membership.objects.filter(
            user_id=user.pk,
            status=Membership.Status.ACTIVE,
            working_group__path__startswith=site.root_page.path,
        )
        .select_related("working_group")
        .order_by("working_group__title")
    )


@receiver(notification_settings, dispatch_uid="networks_group_announcement_emails")
def group_emails(sender, request, **kwargs) -> NotificationSection | None:
    if sender is None:
        return None
    memberships = _memberships(request.user, sender)
    if not memberships:
        return None

    def save(data) -> None:
        for membership in memberships:
            receive = f"{KEY}-{membership.pk}" in data
            if membership.receive_announcements != receive:
                membership.receive_announcements = receive
                membership.save(update_fields=["receive_announcements", "updated_at"])

    return NotificationSection(
        key=KEY,
        title=_("Working groups"),
        template="networks/notification_settings.html",
        context={"memberships": memberships},
        save=save,
        order=10,
    )
