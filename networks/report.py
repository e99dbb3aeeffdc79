"""The committee report: what happened per action field in a period, on one site.

The network's own measures and working groups are built in; other apps and plugins add
sections through :data:`treffpunkt.signals.report_sections`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from wagtail.models import Locale, Site

from treffpunkt.reports import ReportRow, ReportSection
from treffpunkt.signals import report_sections

from .charts import progress_bars
from .models import ActionField, GroupPost, Indicator, Measure, Membership, WorkingGroupPage

__all__ = ["FieldReport", "ReportRow", "ReportSection", "build_report", "report_pdf"]


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
        detail = _(
            "%(status)s · %(members)d members · %(minutes)d minutes, %(news)d announcements in the period"
        ) % {
            "status": group.get_status_display(),
            "members": group.members,
            "minutes": group.minutes,
            "news": group.announcements,
        }
        rows.setdefault(group.action_field_id, []).append(
            ReportRow(title=group.title, detail=detail, url=group.full_url or "")
        )
    return rows


def build_report(site: Site, start: dt.date, end: dt.date) -> list[FieldReport]:
    fields = list(
        ActionField.objects.filter(Q(site=site) | Q(site__isnull=True), locale=Locale.get_default())
    )
    measures = _measures(site, start, end)
    group_rows = _group_rows(site, start, end)
    reports = []
    for action_field in [*fields, None]:
        key = action_field.pk if action_field else None
        sections = []
        if group_rows.get(key):
            sections.append(ReportSection(_("Working groups"), group_rows[key], order=20))
        for section in report_sections.collect(
            site, start=start, end=end, action_field=action_field
        ):
            sections.append(section)
        sections.sort(key=lambda s: s.order)
        report = FieldReport(
            action_field, [m for m in measures if m.action_field_id == key], sections
        )
        if action_field is not None or not report.is_empty:
            reports.append(report)
    return reports


# --- PDF ---------------------------------------------------------------------------------


def report_pdf(site: Site, start: dt.date, end: dt.date, reports: list[FieldReport]) -> bytes:
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
                value = "–" if indicator.current_value is None else f"{indicator.current_value:g}"
                target = "" if indicator.target is None else f" / {indicator.target:g}"
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
            pdf.set_font(family, "B", 10)
            write(5, text(section.title))
            pdf.set_font(family, "", 9)
            for row in section.rows:
                when = f"{row.date:%d.%m.%Y} " if row.date else ""
                line = f"  • {when}{row.title}" + (f": {row.detail}" if row.detail else "")
                write(4.5, text(line))
    return bytes(pdf.output())
