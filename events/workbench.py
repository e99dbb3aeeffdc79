"""What events/ puts on the admin's start page (``treffpunkt.signals.admin_panels``, sent
per managed site): the next events with their places, and the latest sign-ups."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from treffpunkt.accounts import roles
from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.signals import admin_panels

from .models import EventPage, Registration
from .registrations import ATTENDEE_KINDS

S = Registration.Status
#: events and sign-ups shown; the page explorer and the registrations lists have the rest
NEXT_EVENTS = 6
RECENT_SIGNUPS = 8


def _people(status: str):
    return Coalesce(
        Sum(
            "registrations__party_size",
            filter=Q(registrations__status=status, registrations__kind__in=ATTENDEE_KINDS),
        ),
        0,
    )


def next_events(site) -> list[EventPage]:
    """The site's next events that take sign-ups here, with ``held``, ``confirmed`` and
    ``waiting`` (people) in one query."""
    return list(
        EventPage.objects.live()
        .filter(roles.pages_in_sites_q([site]))
        .filter(
            locale__language_code=settings.LANGUAGE_CODE,
            registration_enabled=True,
            end__gte=timezone.now(),
        )
        .annotate(held=_people(S.HELD), confirmed=_people(S.CONFIRMED), waiting=_people(S.WAITING))
        .order_by("start")[:NEXT_EVENTS]
    )


def recent_signups(site) -> list[Registration]:
    """The latest sign-ups (not cancelled or expired) for the site's events."""
    return list(
        Registration.objects.filter(
            roles.pages_in_sites_q([site], prefix="event__"),
            parent__isnull=True,
            status__in=(S.HELD, S.CONFIRMED, S.WAITING, S.REQUESTED),
        )
        .select_related("event", "user")
        .order_by("-created_at")[:RECENT_SIGNUPS]
    )


@receiver(admin_panels, dispatch_uid="events_admin_panels")
def events_admin_panels(sender, request, **kwargs) -> list[DashboardPanel]:
    panels = []
    events = next_events(sender)
    if events:
        for event in events:
            event.taken = event.held + event.confirmed
            event.fill = (
                min(100, round(100 * event.taken / event.capacity)) if event.capacity else None
            )
        panels.append(
            DashboardPanel(
                title=_("Next events"),
                template="events/admin/next_events_panel.html",
                context={"next_events": events},
                order=20,
            )
        )
    signups = recent_signups(sender)
    if signups:
        panels.append(
            DashboardPanel(
                title=_("Recent sign-ups"),
                template="events/admin/recent_signups_panel.html",
                context={"recent_signups": signups},
                order=50,
            )
        )
    return panels
