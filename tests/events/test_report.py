"""The committee report tells the year: events held with registrations, check-ins and
languages, an attendance chart, whole numbers, a working date range, a PDF named after
the town and period and set in every script by the one PDF helper."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from events.models import Registration
from networks.models import GroupPost
from networks.report import build_report, number
from tests.networks.conftest import build_network

from .conftest import in_days

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
S = Registration.Status


def register(event, n, *, party=1, attended=0, status=S.CONFIRMED, kind="visitor"):
    for i in range(n):
        Registration.objects.create(
            event=event,
            kind=kind,
            status=status,
            email=f"p{event.pk}-{status}-{i}@example.org",
            party_size=party,
            attended_at=timezone.now() if i < attended else None,
        )


@pytest.fixture
def year(site, make_event):
    """A network, and events before, in and after the period (the last 90 days)."""
    network = build_network(site)
    cafe = make_event(title="Sprachcafé im Park", start=in_days(-60), languages="de,ar")
    cafe.action_fields.add(network.language)
    cafe.save_revision().publish()
    register(cafe, 3, party=2, attended=2)  # 6 people, 4 came
    register(cafe, 2, status=S.CANCELLED)  # not counted
    register(cafe, 1, status=S.WAITING)  # not counted
    fest = make_event(title="Begegnungsfest", start=in_days(-10), languages="de,uk,tr")
    register(fest, 5, attended=5)
    register(fest, 1, kind="helper", attended=1)  # a helper is not a visitor
    make_event(title="Zukunftsfest", start=in_days(10))  # not held yet
    make_event(title="Altes Fest", start=in_days(-200))  # before the period
    start, end = timezone.localdate() - dt.timedelta(days=90), timezone.localdate()
    return network, start, end


def _sections(reports):
    return {(r.title, s.title): s for r in reports for s in r.sections}


def test_events_held_per_action_field_with_registrations_and_check_ins(year, site):
    network, start, end = year
    reports = build_report(site, start, end)
    sections = _sections(reports)
    (cafe,) = sections[("Sprache", "Durchgeführte Veranstaltungen")].rows
    assert cafe.title == "Sprachcafé im Park"
    assert cafe.detail.startswith("3 Anmeldungen · 6 Personen angemeldet · 4 eingecheckt")
    assert "Arabisch" in cafe.detail
    (fest,) = sections[("Sonstiges", "Durchgeführte Veranstaltungen")].rows  # no action field
    assert "5 Anmeldungen" in fest.detail and "5 eingecheckt" in fest.detail
    titles = {row.title for s in sections.values() for row in s.rows}
    assert not {"Zukunftsfest", "Altes Fest"} & titles


def test_the_period_at_a_glance_has_totals_languages_and_a_monthly_chart(year, site):
    _network, start, end = year
    reports = build_report(site, start, end)
    (overview,) = reports.overview
    assert overview.title == "Veranstaltungen und Teilnahme"
    totals, languages = overview.rows
    assert totals.title == "2 Veranstaltungen fanden statt"
    assert totals.detail == "11 Personen angemeldet · 9 eingecheckt"
    assert languages.detail == "Deutsch, Arabisch, Türkisch, Ukrainisch" or set(
        languages.detail.split(", ")
    ) == {"Deutsch", "Arabisch", "Türkisch", "Ukrainisch"}
    chart = overview.chart
    assert sum(v for _label, v in chart.bars) == 9
    assert len(chart.bars) in (4, 5)  # every month of the period, empty ones too
    assert all(isinstance(v, int) for _label, v in chart.bars)


def test_one_minute_is_singular_and_figures_are_whole(year, site):
    network, start, end = year
    GroupPost.objects.create(
        working_group=network.group, kind=GroupPost.Kind.MINUTES, title="Protokoll", body="."
    )
    sections = _sections(build_report(site, start, end))
    (group,) = sections[("Wohnen", "Arbeitsgruppen")].rows
    assert "1 Protokoll im Zeitraum" in group.detail
    assert "0 Ankündigungen im Zeitraum" in group.detail
    assert number(Decimal("19.00")) == "19"
    assert number(Decimal("2.50")) == "2.5"
    assert number(None) == "–"


def test_report_html_pdf_and_its_name(client, year, site, staff, settings):
    network, start, end = year
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    network.indicator.current_value = Decimal("19.00")
    network.indicator.target = Decimal("25.00")
    network.indicator.save()
    client.force_login(staff)
    # Unasked, the form shows the period it reports on (ISO dates, as date inputs need).
    page = client.get("/admin/networks/report/", **HOST).content.decode()
    today = timezone.localdate()
    assert f'value="{today.year}-01-01"' in page and f'value="{today:%Y-%m-%d}"' in page
    params = {"site": site.pk, "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
    html = client.get("/admin/networks/report/", params, **HOST).content.decode()
    assert "19 / 25 Personen" in html and "19.00" not in html and "19,00" not in html
    assert "Sprachcafé im Park" in html and "<svg" in html and "chart--bars" in html
    pdf = client.get("/admin/networks/report/", {**params, "format": "pdf"}, **HOST)
    assert pdf["Content-Type"] == "application/pdf"
    disposition = pdf["Content-Disposition"]
    assert "Beckum" in disposition and "localhost" not in disposition
    assert f"{start:%Y-%m-%d}" in disposition and f"{end:%Y-%m-%d}" in disposition
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "19 / 25 Personen" in text and "19.00" not in text
    assert "Sprachcafé im Park" in text and "Der Zeitraum im Überblick" in text


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01", "end": "2026-12-01"},
        {"start": "", "end": ""},
        {"start": "9999-12-31", "end": "0001-01-01"},
        {"start": "2026-01-01", "end": "2026-12-31", "site": "999999999999999999999"},
        {"start": "2026-01-01\x00", "end": "x" * 5000},
    ],
)
def test_a_bad_period_is_a_clear_400(client, site, staff, settings, params):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(staff)
    response = client.get("/admin/networks/report/", {"site": site.pk, **params}, **HOST)
    assert response.status_code == 400


def test_the_report_in_arabic_is_shaped_and_uses_the_arabic_font(
    client, year, site, staff, settings
):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    _network, start, end = year
    from events.models import EventPage

    EventPage.objects.filter(title="Begegnungsfest").update(title="مهرجان اللقاء")
    client.force_login(staff)
    params = {
        "site": site.pk,
        "start": f"{start:%Y-%m-%d}",
        "end": f"{end:%Y-%m-%d}",
        "format": "pdf",
    }
    pdf = client.get("/ar/admin/networks/report/", params, **HOST)
    if pdf.status_code == 404:  # the admin has no language prefix: ask for Arabic instead
        pdf = client.get("/admin/networks/report/", params, HTTP_ACCEPT_LANGUAGE="ar", **HOST)
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "مهرجان" in text and "اللقاء" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("NotoSansArabic" in font for font in fonts)
