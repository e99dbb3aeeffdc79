"""The chat's panel on the admin's start page: open reports of messages in the site's
rooms (declared in ``ChatConfig.admin_panels``, so it shows only where the chat is on)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel

from .models import Report


def reports_panel(sender, request, **kwargs) -> DashboardPanel | None:
    reports = Report.objects.filter(status=Report.Status.OPEN, message__room__site=sender)
    total = reports.count()
    if not total:
        return None
    return DashboardPanel(
        title=_("Open chat reports (%(count)d)") % {"count": total},
        template="chat/admin/reports_panel.html",
        context={
            "chat_reports": list(
                reports.select_related("message", "message__room", "reporter").order_by(
                    "created_at"
                )[:10]
            ),
        },
        order=40,
    )
