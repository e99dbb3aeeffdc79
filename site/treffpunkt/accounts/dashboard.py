from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DashboardPanel:
    """One box on a signed-in person's dashboard, contributed through ``dashboard_panels``."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
