"""What a section of the committee report is, for the apps and plugins that contribute one.

The report itself (per action field, with measures and working groups) is built by
networks/; others answer :data:`treffpunkt.signals.report_sections` with these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ReportRow:
    title: str
    date: dt.date | None = None
    detail: str = ""
    url: str = ""


@dataclass
class ReportChart:
    """A bar chart of whole numbers: one (label, value) per bar, e.g. one per month.

    ``description`` is the chart in words (for screen readers and for the PDF's text)."""

    bars: list[tuple[str, int]]
    description: str = ""

    @property
    def top(self) -> int:
        return max([value for _label, value in self.bars] + [0])


@dataclass
class ReportSection:
    """Rows under a heading, optionally with a chart.

    ``overview``: a section about the whole site rather than one action field; answered
    when ``action_field`` is None, it is shown once at the top of the report."""

    title: str
    rows: list[ReportRow] = field(default_factory=list)
    order: int = 50
    chart: ReportChart | None = None
    overview: bool = False
