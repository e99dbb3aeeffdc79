"""networks/ on a signed-in person's dashboard: the working groups they belong to (with the way
into each private space) and the requests to join that are still open."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.signals import dashboard_panels

from .models import Membership


def memberships_on(user, site):
    """The person's active and requested memberships in working groups of ``site``."""
    return (
        Membership.objects.filter(
            user_id=user.pk,
            status__in=(Membership.Status.ACTIVE, Membership.Status.REQUESTED),
            working_group__path__startswith=site.root_page.path,
        )
        .select_related("working_group")
        .order_by("working_group__title")
    )


@receiver(dashboard_panels, dispatch_uid="networks_my_groups_dashboard_panel")
def my_groups_panel(sender, request, **kwargs) -> DashboardPanel | None:
    if sender is None:  # an address no site answers to
        return None
    groups, requested = [], []
    for membership in memberships_on(request.user, sender):
        membership.page = membership.working_group.localized
        if membership.status == Membership.Status.ACTIVE:
            groups.append(membership)
        else:
            requested.append(membership)
    return DashboardPanel(
        title=_("My working groups"),
        template="networks/dashboard_groups.html",
        context={"groups": groups, "requested": requested},
        order=15,
    )
