"""The mentoring plugin's panel on the admin's start page, for the managers of a town:
matches that need attention (flags, overdue check-ins, first meetings not recorded) and
applications waiting for a mentor, of their own town only (declared in
``MentoringConfig.admin_panels``, so it shows only where the plugin is on)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel

from . import services
from .models import Application, Programme

SHOWN = 10


def coordination_panel(sender, request, **kwargs) -> DashboardPanel | None:
    programmes = Programme.objects.filter(site=sender)
    attention = services.needing_attention(programmes)
    waiting = Application.objects.filter(
        programme__in=programmes, status=Application.Status.WAITING
    ).aggregate(oldest=Min("confirmed_at"), count=Count("pk"))
    waiting_count = waiting["count"]
    if not attention and not waiting_count:
        return None
    return DashboardPanel(
        title=_("Mentoring: to do (%(count)d)") % {"count": len(attention) + waiting_count},
        template="mentoring/admin/coordination_panel.html",
        context={
            "attention": attention[:SHOWN],
            "more_attention": max(0, len(attention) - SHOWN),
            "waiting": waiting_count,
            "oldest_waiting": waiting["oldest"],
        },
        order=45,
    )
