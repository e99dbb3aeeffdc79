"""The monthly statement of a mediator: confirmed hours and travel for the expense
allowance, with the year's total against the tax-free volunteer allowance.

Only assignments whose hours are confirmed count; a month is the town's calendar month.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from treffpunkt.core.localize import format_date, format_number, month_name
from treffpunkt.core.pdf import TEXT, document

from .models import Assignment, Mediator

CENT = Decimal("0.01")


def _setting(name: str) -> Decimal:
    return Decimal(str(apps.get_app_config("interpreters").setting(name)))


def town_zone() -> dt.tzinfo:
    """The town's clock (``TIME_ZONE``, Europe/Berlin), whatever zone a request activated."""
    return timezone.get_default_timezone()


def month_of(moment: dt.datetime) -> tuple[int, int]:
    """Year and month of ``moment`` on the town's clock: 23:30 UTC on 31 January is
    already February in Beckum."""
    local = moment.astimezone(town_zone())
    return local.year, local.month


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    zone = town_zone()
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


@dataclass
class Line:
    assignment: Assignment
    minutes: int
    km: Decimal
    amount: Decimal


@dataclass
class Statement:
    mediator: Mediator
    year: int
    month: int
    lines: list[Line] = field(default_factory=list)
    minutes: int = 0
    km: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    year_amount: Decimal = Decimal(0)
    allowance: Decimal = Decimal(0)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(CENT, ROUND_HALF_UP)

    @property
    def over_allowance(self) -> bool:
        return self.year_amount > self.allowance


def _amount(minutes: int, km: Decimal) -> Decimal:
    hours = Decimal(minutes) / 60
    return (hours * _setting("HOURLY_RATE_EUR") + km * _setting("KM_RATE_EUR")).quantize(
        CENT, ROUND_HALF_UP
    )


def confirmed(mediator: Mediator, start: dt.datetime, end: dt.datetime):
    return (
        Assignment.objects.filter(
            mediator=mediator,
            starts_at__gte=start,
            starts_at__lt=end,
            confirmed_minutes__isnull=False,
        )
        .select_related("request")
        .order_by("starts_at")
    )


def build(mediator: Mediator, year: int, month: int) -> Statement:
    start, end = month_bounds(year, month)
    statement = Statement(mediator, year, month, allowance=_setting("YEARLY_ALLOWANCE_EUR"))
    for row in confirmed(mediator, start, end):
        km = row.travel_km or Decimal(0)
        line = Line(row, row.confirmed_minutes, km, _amount(row.confirmed_minutes, km))
        statement.lines.append(line)
        statement.minutes += line.minutes
        statement.km += km
        statement.amount += line.amount
    year_start, _ = month_bounds(year, 1)
    for row in confirmed(mediator, year_start, end):
        statement.year_amount += _amount(row.confirmed_minutes, row.travel_km or Decimal(0))
    return statement


def as_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Date"), _("Language"), _("Minutes"), _("Travel (km)"), _("Amount (EUR)")])
    for line in statement.lines:
        local = timezone.localtime(line.assignment.starts_at, town_zone())
        writer.writerow(
            [
                local.strftime("%Y-%m-%d %H:%M"),
                line.assignment.request.language,
                line.minutes,
                f"{line.km:.1f}",
                f"{line.amount:.2f}",
            ]
        )
    writer.writerow(
        [_("Total"), "", statement.minutes, f"{statement.km:.1f}", f"{statement.amount:.2f}"]
    )
    writer.writerow([_("Total this year"), "", "", "", f"{statement.year_amount:.2f}"])
    writer.writerow([_("Tax-free allowance a year"), "", "", "", f"{statement.allowance:.2f}"])
    return out.getvalue()


def as_pdf(statement: Statement, site_name: str) -> bytes:
    language = translation.get_language()
    rtl = translation.get_language_bidi()
    align = "R" if rtl else "L"
    pdf = document(rtl=rtl)
    title = _("Statement of interpreting assignments")
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font(TEXT, "B", 16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT", align=align)
    pdf.set_font(TEXT, "", 11)
    period = f"{month_name(statement.month, language)} {statement.year}"
    for text in (str(statement.mediator), period, site_name):
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align=align)
    pdf.ln(4)
    widths = (55, 45, 25, 30, 35)
    pdf.set_font(TEXT, "B", 10)
    for width, text in zip(
        widths,
        (_("Date"), _("Language"), _("Minutes"), _("Travel (km)"), _("Amount (EUR)")),
        strict=True,
    ):
        pdf.cell(width, 7, text, border="B")
    pdf.ln()
    pdf.set_font(TEXT, "", 10)
    for line in statement.lines:
        local = timezone.localtime(line.assignment.starts_at, town_zone())
        cells = (
            f"{format_date(local, 'medium', language)} {local:%H:%M}",
            line.assignment.request.language_label,
            format_number(line.minutes, language),
            format_number(line.km, language),
            format_number(line.amount, language),
        )
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 7, text)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font(TEXT, "B", 10)
    totals = (
        (_("Hours"), format_number(statement.hours, language)),
        (_("Travel (km)"), format_number(statement.km, language)),
        (_("Amount (EUR)"), format_number(statement.amount, language)),
        (_("Total this year (EUR)"), format_number(statement.year_amount, language)),
        (_("Tax-free allowance a year (EUR)"), format_number(statement.allowance, language)),
    )
    for label, value in totals:
        pdf.cell(100, 7, label)
        pdf.cell(40, 7, value, new_x="LMARGIN", new_y="NEXT")
    if statement.over_allowance:
        pdf.set_font(TEXT, "I", 10)
        pdf.multi_cell(
            0,
            7,
            _("The year's total is above the tax-free allowance."),
            new_x="LMARGIN",
            new_y="NEXT",
            align=align,
        )
    return bytes(pdf.output())
