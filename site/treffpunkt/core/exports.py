"""Spreadsheet exports (CSV and XLSX) with one guard against formula injection.

Every export of the site goes through here, so a cell that a visitor typed can never run
as a formula in the spreadsheet program of the person who downloads it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

#: spreadsheet programs run a cell that starts with one of these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value, with a leading apostrophe when a text would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


def csv_text(headers: Sequence, rows: Iterable[Iterable], *, delimiter: str = ";") -> str:
    """The CSV of the rows below the headers, every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue()


def csv_response(filename: str, headers: Sequence, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download (semicolons, with a BOM so that Excel reads UTF-8)."""
    response = HttpResponse(
        "\ufeff" + csv_text(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str,
    headers: Sequence,
    rows: Iterable[Iterable],
    *,
    sheet_title: str = "",
    date_format: str = "DD.MM.YYYY HH:MM",
) -> HttpResponse:
    """An XLSX download with one sheet, every cell guarded; dates and times (naive, local)
    become real date cells shown as ``date_format``, so they sort and filter as dates."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if sheet_title:
        sheet.title = str(sheet_title)[:31]  # the longest name a sheet may have
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append(safe_row(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = date_format
            elif isinstance(cell.value, dt.date):
                cell.number_format = date_format.split(" ")[0]
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
