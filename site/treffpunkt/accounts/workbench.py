"""The start page of the Wagtail admin: what needs doing in the towns a person manages.

Apps and plugins contribute panels through :data:`treffpunkt.signals.admin_panels`, sent
once per managed site, so every panel is about one town and a plugin switched off for a
town adds nothing to it. Wagtail's own panels (locked pages, recent edits …) follow ours.
"""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from treffpunkt.signals import admin_panels

from . import roles
from .dashboard import DashboardPanel

#: Wagtail's own home panels start at 100; ours come first
BASE_ORDER = 0


class WorkbenchPanel(Component):
    """One contributed panel, rendered inside Wagtail's ``{% panel %}``."""

    template_name = "accounts/admin/workbench_panel.html"

    def __init__(self, panel: DashboardPanel, site, show_town: bool, index: int) -> None:
        self.panel = panel
        self.site = site
        self.show_town = show_town
        self.order = BASE_ORDER + panel.order
        self.panel_id = f"workbench-{site.pk}-{index}"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(self.panel.context)
        context.update(
            {
                "request": parent_context["request"],
                "csrf_token": parent_context.get("csrf_token"),
                "panel": self.panel,
                "panel_id": self.panel_id,
                "site": self.site,
                "town": self.site.site_name or self.site.hostname,
                "show_town": self.show_town,
            }
        )
        return context


def panels_for(request) -> list[WorkbenchPanel]:
    """The contributed panels for ``request.user``: per town they manage, in the towns'
    order, each town's panels by their ``order``."""
    sites = list(roles.managed_sites(request.user))
    result = []
    for site in sites:
        contributed = sorted(admin_panels.collect(site, request=request), key=lambda p: p.order)
        for panel in contributed:
            result.append(WorkbenchPanel(panel, site, len(sites) > 1, len(result)))
    return result
