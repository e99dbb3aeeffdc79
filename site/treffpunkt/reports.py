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
class ReportSection:
    title: str
    rows: list[ReportRow] = field(default_factory=list)
    order: int = 50
