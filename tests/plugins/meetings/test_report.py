"""The committee report's "Meetings" section, which the plugin declares (report_sections)."""

from __future__ import annotations

import datetime as dt

import pytest

from networks.report import build_report
from plugins.meetings import schedule
from plugins.meetings.models import Occurrence
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db


def _meetings(reports):
    other = next(r for r in reports if r.action_field is None)
    return [s for s in other.sections if s.title == "Meetings"]


def test_report_counts_dates_held_and_minutes_per_series(site, make_series, group, english):
    series = make_series(working_group=group)  # every second Tuesday; the group has no field
    Occurrence.objects.create(
        series=series,
        original_start=dt.datetime(2026, 11, 10, 17, tzinfo=schedule.TZ),
        minutes="<p>Protokoll</p>",
        minutes_published_at=dt.datetime(2026, 11, 11, tzinfo=dt.UTC),
    )
    (section,) = _meetings(build_report(site, dt.date(2026, 10, 1), dt.date(2026, 11, 30)))
    (row,) = section.rows
    assert row.title == "Netzwerktreffen" and row.date == dt.date(2026, 11, 10)
    assert row.detail == "2 dates held, minutes for 1"  # 13 Oct and 10 Nov
    PluginSettings.set_enabled(site, "meetings", False)
    site.refresh_from_db()
    reports = build_report(site, dt.date(2026, 10, 1), dt.date(2026, 11, 30))
    assert not any(r.action_field is None for r in reports) or not _meetings(reports)
