"""What networks/ puts on the start pages: open join requests.

Managers see their town's open requests on the admin's start page (``admin_panels``, sent
per managed site); coordinators see their groups' requests on their dashboard
(``dashboard_panels``). Both answer in place; the rules are :mod:`.services`'.
"""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from treffpunkt.accounts import roles
from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.signals import admin_panels, dashboard_panels

from .models import Membership

#: requests shown on a start page; the list behind "all open requests" has the rest
SHOWN = 10


def open_requests_in(site):
    """Open requests of people (not organisations) in the working groups of ``site``."""
    return (
        Membership.objects.filter(status=Membership.Status.REQUESTED, user__isnull=False)
        .filter(roles.pages_in_sites_q([site], prefix="working_group__"))
        .select_related("user", "working_group")
        .order_by("created_at")
    )


@receiver(admin_panels, dispatch_uid="networks_join_requests_admin_panel")
def join_requests_admin_panel(sender, request, **kwargs) -> DashboardPanel | None:
    requests = open_requests_in(sender)
    total = requests.count()
    if not total:
        return None
    return DashboardPanel(
        title=_("Open join requests (%(count)d)") % {"count": total},
        template="networks/admin/join_requests_panel.html",
        context={"join_requests": list(requests[:SHOWN]), "join_requests_total": total},
        order=10,
    )


@receiver(dashboard_panels, dispatch_uid="networks_join_requests_dashboard_panel")
def join_requests_dashboard_panel(sender, request, **kwargs) -> DashboardPanel | None:
    """A coordinator's start page: the requests to the groups they coordinate here."""
    coordinated = Membership.objects.filter(
        user_id=request.user.pk,
        status=Membership.Status.ACTIVE,
        role=Membership.Role.COORDINATOR,
    ).values("working_group__translation_key")
    requests = list(
        open_requests_in(sender).filter(working_group__translation_key__in=coordinated)[:SHOWN]
    )
    if not requests:
        return None
    return DashboardPanel(
        title=_("Requests to join your groups"),
        template="networks/dashboard_join_requests.html",
        context={"join_requests": requests},
        order=10,
    )
