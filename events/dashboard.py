"""events/ on a signed-in person's dashboard: their sign-ups for coming events, each with a
one-click cancel."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.signals import dashboard_panels

from .models import Registration
from .registrations import ACTIVE

SHOWN = 10


def coming_sign_ups(user, site):
    """The person's live sign-ups made with their account for events of ``site`` that have
    not ended, soonest first (contributions are the organisers' to decide, not listed)."""
    return (
        Registration.objects.filter(
            user_id=user.pk,
            status__in=ACTIVE,
            parent=None,
            event__end__gte=timezone.now(),
            event__path__startswith=site.root_page.path,
        )
        .exclude(kind=Registration.Kind.CONTRIBUTION)
        .select_related("event", "shift")
        .order_by("event__start", "pk")
    )


@receiver(dashboard_panels, dispatch_uid="events_my_sign_ups_dashboard_panel")
def my_sign_ups_panel(sender, request, **kwargs) -> DashboardPanel | None:
    if sender is None:  # an address no site answers to
        return None
    sign_ups = list(coming_sign_ups(request.user, sender)[:SHOWN])
    for registration in sign_ups:
        registration.page = registration.event.localized
    return DashboardPanel(
        title=_("My sign-ups"),
        template="events/dashboard_sign_ups.html",
        context={"sign_ups": sign_ups},
        order=20,
    )
