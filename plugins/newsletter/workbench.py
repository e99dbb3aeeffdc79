"""The newsletter's panel on the admin's start page: sends scheduled, running or paused
on the site, each with its progress (declared in ``NewsletterConfig.admin_panels``, so
it shows only where the plugin is on)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel

from .models import Mailing

IN_PROGRESS = (Mailing.Status.SCHEDULED, Mailing.Status.RUNNING, Mailing.Status.PAUSED)


def sends_panel(sender, request, **kwargs) -> DashboardPanel | None:
    mailings = list(
        Mailing.objects.filter(site=sender, status__in=IN_PROGRESS)
        .select_related("page")
        .order_by("send_at")[:10]
    )
    if not mailings:
        return None
    for mailing in mailings:
        mailing.progress = mailing.counts()
        total = mailing.progress["total"]
        mailing.percent = round(100 * mailing.progress["done"] / total) if total else 0
    return DashboardPanel(
        title=_("Newsletter sends in progress"),
        template="newsletter/admin/sends_panel.html",
        context={"mailings": mailings},
        order=30,
    )
