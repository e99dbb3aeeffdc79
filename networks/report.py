"""The committee report: what happened per action field in a period, on one site.

The network's own measures and working groups are built in; other apps and plugins add
sections through :data:`treffpunkt.signals.report_sections`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Locale, Site

from treffpunkt.reports import ReportChart, ReportRow, ReportSection
from treffpunkt.signals import report_sections

from .charts import progress_bars
from .models import ActionField, GroupPost, Indicator, Measure, Membership, WorkingGroupPage

__all__ = [
    "FieldReport",
    "Report",
    "ReportChart",
    "ReportRow",
    "ReportSection",
    "build_report",
    "number",
    "report_filename",
    "report_pdf",
]


def number(value) -> str:
    """A figure as people write it: 19 (not 19.00), 2.5; None as a dash."""
    if value is None:
        return "–"
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


@dataclass
class FieldReport:
    action_field: ActionField | None
    measures: list[Measure]
    sections: list[ReportSection]

    @property
    def title(self) -> str:
        return self.action_field.name if self.action_field else _("Other")

    @property
    def chart(self):
        return progress_bars([i for m in self.measures for i in m.indicators.all()])

    @property
    def is_empty(self) -> bool:
        return not self.measures and not any(s.rows for s in self.sections)


def _measures(site: Site, start: dt.date, end: dt.date) -> list[Measure]:
    """Measures of the site whose period overlaps the report's (open ends count)."""
    return list(
        Measure.objects.filter(site=site)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=end))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .select_related("action_field", "lead_organisation")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("sort_order")))
        .order_by("title")
    )


def _group_rows(site: Site, start: dt.date, end: dt.date) -> dict[int | None, list[ReportRow]]:
    default = Locale.get_default()
    in_period = Q(posts__created_at__date__gte=start, posts__created_at__date__lte=end)
    joined = Q(
        memberships__status=Membership.Status.ACTIVE,
        memberships__created_at__date__lte=end,
    )
    groups = (
        WorkingGroupPage.objects.in_site(site)
        .filter(locale=default)
        .annotate(
            minutes=Count(
                "posts", filter=in_period & Q(posts__kind=GroupPost.Kind.MINUTES), distinct=True
            ),
            announcements=Count(
                "posts",
                filter=in_period & Q(posts__kind=GroupPost.Kind.ANNOUNCEMENT),
                distinct=True,
            ),
            members=Count("memberships", filter=joined, distinct=True),
        )
        .order_by("title")
    )
    rows: dict[int | None, list[ReportRow]] = {}
    for group in groups:
        detail = " · ".join(
            [
                group.get_status_display(),
                ngettext("%(count)d member", "%(count)d members", group.members)
                % {"count": group.members},
                ngettext(
                    "%(count)d minutes in the period",
                    "%(count)d minutes in the period",
                    group.minutes,
                )
                % {"count": group.minutes},
                ngettext(
                    "%(count)d announcement in the period",
                    "%(count)d announcements in the period",
                    group.announcements,
                )
                % {"count": group.announcements},
            ]
        )
        rows.setdefault(group.action_field_id, []).append(
            ReportRow(title=group.title, detail=detail, url=group.full_url or "")
        )
    return rows


class Report(list):
    """The parts of the report, one per action field (and "Other"), in order; ``overview``
    holds the sections about the whole site (totals, charts) shown above them."""

    def __init__(self, parts=(), overview=None):
        super().__init__(parts)
        self.overview: list[ReportSection] = overview or []


def build_report(site: Site, start: dt.date, end: dt.date) -> Report:
    fields = list(
        ActionField.objects.filter(Q(site=site) | Q(site__isnull=True), locale=Locale.get_default())
    )
    measures = _measures(site, start, end)
    group_rows = _group_rows(site, start, end)
    reports = []
    overview: list[ReportSection] = []
    for action_field in [*fields, None]:
        key = action_field.pk if action_field else None
        sections = []
        if group_rows.get(key):
            sections.append(ReportSection(_("Working groups"), group_rows[key], order=20))
        for section in report_sections.collect(
            site, start=start, end=end, action_field=action_field
        ):
            if section.overview and action_field is None:
                overview.append(section)
            else:
                sections.append(section)
        sections.sort(key=lambda s: s.order)
        report = FieldReport(
            action_field, [m for m in measures if m.action_field_id == key], sections
        )
        if action_field is not None or not report.is_empty:
            reports.append(report)
    overview.sort(key=lambda s: s.order)
    return Report(reports, overview)


def report_filename(site: Site, start: dt.date, end: dt.date) -> str:
    """E.g. ``Bericht-Netzwerk-Integration-Beckum-2026-01-01-bis-2026-12-01.pdf``."""
    town = re.sub(r"\W+", "-", site.site_name or site.hostname).strip("-") or "Treffpunkt"
    name = _("Report-%(town)s-%(start)s-to-%(end)s") % {
        "town": town,
        "start": f"{start:%Y-%m-%d}",
        "end": f"{end:%Y-%m-%d}",
    }
    return name.replace(" ", "-") + ".pdf"


# --- PDF ---------------------------------------------------------------------------------


def report_pdf(site: Site, start: dt.date, end: dt.date, reports: Report) -> bytes:
    """The same report as a PDF, set by the core's PDF helper (any script, Arabic shaped)."""
    from django.conf import settings
    from django.utils.translation import get_language

    from treffpunkt.core.pdf import TEXT, document

    pdf = document(rtl=get_language() in settings.RTL_LANGUAGES)
    pdf.set_auto_page_break(auto=True, margin=15)
    family = TEXT

    def text(value: str) -> str:
        return value

    def write(height: float, value: str) -> None:
        pdf.multi_cell(0, height, value, new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    pdf.set_font(family, "B", 16)
    write(8, text(_("Report of the integration network: %(site)s") % {"site": site.site_name}))
    pdf.set_font(family, "", 10)
    write(
        6,
        text(
            _("Period: %(start)s to %(end)s")
            % {"start": f"{start:%d.%m.%Y}", "end": f"{end:%d.%m.%Y}"}
        ),
    )
    if getattr(reports, "overview", None):
        pdf.ln(4)
        pdf.set_font(family, "B", 13)
        write(7, text(_("The period at a glance")))
        for section in reports.overview:
            _pdf_section(pdf, section, write)
    for report in reports:
        pdf.ln(4)
        pdf.set_font(family, "B", 13)
        write(7, text(report.title))
        pdf.set_font(family, "", 10)
        if report.action_field and report.action_field.guiding_principle:
            write(5, text(report.action_field.guiding_principle))
        if not report.measures and not report.sections:
            write(5, text(_("Nothing recorded in this period.")))
        for measure in report.measures:
            pdf.set_font(family, "B", 10)
            write(5, text(f"{measure.title} ({measure.get_status_display()})"))
            pdf.set_font(family, "", 9)
            for indicator in measure.indicators.all():
                value = number(indicator.current_value)
                target = "" if indicator.target is None else f" / {number(indicator.target)}"
                progress = "" if indicator.progress is None else f" ({indicator.progress} %)"
                write(
                    4.5,
                    text(f"  • {indicator.name}: {value}{target} {indicator.unit}{progress}"),
                )
                if indicator.progress is not None:
                    x, y = pdf.l_margin + 6, pdf.get_y()
                    pdf.rect(x, y, 60, 2.5)
                    pdf.rect(x, y, 60 * indicator.progress / 100, 2.5, style="F")
                    pdf.ln(3.5)
        for section in report.sections:
            _pdf_section(pdf, section, write)
    return bytes(pdf.output())


def _pdf_section(pdf, section: ReportSection, write) -> None:
    from treffpunkt.core.pdf import TEXT

    pdf.set_font(TEXT, "B", 10)
    write(5, section.title)
    pdf.set_font(TEXT, "", 9)
    for row in section.rows:
        when = f"{row.date:%d.%m.%Y} " if row.date else ""
        write(4.5, f"  • {when}{row.title}" + (f": {row.detail}" if row.detail else ""))
    if section.chart is not None:
        _pdf_chart(pdf, section.chart)


def _pdf_chart(pdf, chart: ReportChart) -> None:
    """Vertical bars with their figures above and labels below, 40 mm high."""
    from treffpunkt.core.pdf import TEXT

    if not chart.bars:
        return
    height, top = 40.0, chart.top or 1
    width = pdf.w - pdf.l_margin - pdf.r_margin
    slot = width / len(chart.bars)
    bar = min(slot * 0.7, 14)
    if pdf.get_y() + height + 14 > pdf.h - pdf.b_margin:
        pdf.add_page()
    base = pdf.get_y() + 6 + height
    pdf.set_font(TEXT, "", 7)
    for n, (label, value) in enumerate(chart.bars):
        x = pdf.l_margin + n * slot + (slot - bar) / 2
        tall = height * value / top
        if value:
            pdf.rect(x, base - tall, bar, tall, style="F")
        pdf.set_xy(x - 2, base - tall - 4)
        pdf.cell(bar + 4, 4, str(value), align="C")
        pdf.set_xy(x - 3, base + 1)
        pdf.cell(bar + 6, 4, label, align="C")
    pdf.line(pdf.l_margin, base, pdf.l_margin + width, base)
    pdf.set_xy(pdf.l_margin, base + 6)
    pdf.set_font(TEXT, "", 9)
