"""The newsletter's section of the notification-settings page (declared in
``NewsletterConfig.notification_settings``). The newsletter list is kept by address, not by
account, so this section only informs: whether the person's address is on this town's list,
with the way to its own settings (language, topics, unsubscribe) or to subscribe."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.translation import gettext as _

from treffpunkt.accounts.notifications import NotificationSection

from .models import Subscriber


def newsletter_status(sender, request, **kwargs) -> NotificationSection | None:
    if sender is None:
        return None
    user = request.user
    # Only a verified address counts: the link below acts on the subscription without
    # further proof, so an account that merely names someone's address must not get it.
    verified = [
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    mine = Q(pk__in=[])
    for email in verified:
        mine |= Q(email__iexact=email)
    subscriber = (
        Subscriber.objects.filter(site=sender, status=Subscriber.Status.CONFIRMED)
        .filter(mine)
        .order_by("pk")
        .first()
        if verified
        else None
    )
    return NotificationSection(
        key="newsletter",
        title=_("Newsletter"),
        template="newsletter/notification_settings.html",
        context={"subscriber": subscriber},
        order=40,
    )
