"""The public pages: network, directory with vCard, measures with exports, committee report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from wagtail.models import Locale

from networks.models import ActionField, Indicator, IndicatorReading, Measure, Organisation
from networks.report import ReportRow, ReportSection, build_report
from networks.signals import report_sections

from .conftest import HOST

pytestmark = pytest.mark.django_db


def test_network_page_shows_mission_fields_groups_and_members(client, network):
    html = client.get(network.page.url, **HOST).content.decode()
    for text in [
        "Wir vernetzen alle Akteure",
        "Ausschuss für Inklusion",
        "Wohnen",
        "Alle finden angemessenen Wohnraum.",
        "Kontakt mit Behörden",
        "Caritasverband Beckum",
        "VHS Beckum-Wadersloh",
    ]:
        assert text in html
    assert "/netzwerk/massnahmen/?action_field=wohnen" in html


def test_directory_filters_by_action_field_language_kind_and_text(client, network):
    url = network.directory.url

    def names(**params):
        html = client.get(url, params, **HOST).content.decode()
        return {n for n in ["Caritasverband Beckum", "VHS Beckum-Wadersloh"] if n in html}

    assert names() == {"Caritasverband Beckum", "VHS Beckum-Wadersloh"}
    assert names(action_field="wohnen") == {"Caritasverband Beckum"}
    assert names(language="ar") == {"Caritasverband Beckum"}
    assert names(language="uk") == {"VHS Beckum-Wadersloh"}
    assert names(kind="education") == {"VHS Beckum-Wadersloh"}
    assert names(q="Wohnungssuche") == {"Caritasverband Beckum"}
    assert names(q="Nasser") == {"Caritasverband Beckum"}  # a contact person's name
    assert names(action_field="wohnen", language="uk") == set()


def test_whom_do_i_ask_about_housing_in_arabic(client, network):
    html = client.get(
        "/ar" + network.directory.url, {"action_field": "wohnen", "language": "ar"}, **HOST
    ).content.decode()
    assert "Samira Nasser" in html
    assert "nasser@caritas.example" in html


def test_directory_ignores_bad_filters(client, network):
    response = client.get(
        network.directory.url, {"kind": "spaceship", "language": "xx", "q": "x" * 500}, **HOST
    )
    assert response.status_code == 200


def test_directory_shows_only_this_sites_organisations(client, network, other_site):
    Organisation.objects.create(site=other_site, name="Haus der Begegnung", slug="hdb")
    html = client.get(network.directory.url, **HOST).content.decode()
    assert "Haus der Begegnung" not in html
    assert client.get(network.directory.url + "hdb/", **HOST).status_code == 404


def test_organisation_page_and_vcard(client, network):
    html = client.get(network.directory.url + "caritas/", **HOST).content.decode()
    assert "Clemens-August-Straße 3" in html
    assert "Samira Nasser" in html
    assert "Sprachcafé" in html  # a measure it takes part in
    response = client.get(network.directory.url + "caritas/vcard/", **HOST)
    assert response["Content-Type"].startswith("text/vcard")
    vcard = response.content.decode()
    assert vcard.count("BEGIN:VCARD") == 2
    assert "FN:Samira Nasser\r\n" in vcard
    assert "EMAIL;TYPE=INTERNET:nasser@caritas.example" in vcard
    assert "ADR;TYPE=WORK:;;Clemens-August-Straße 3;Beckum;;59269;" in vcard
    assert client.get(network.directory.url + "gibt-es-nicht/vcard/", **HOST).status_code == 404


def test_vcard_escapes_separators(client, network):
    network.contact.role = "Beratung; Wohnen, Arbeit"
    network.contact.save()
    vcard = client.get(network.directory.url + "caritas/vcard/", **HOST).content.decode()
    assert "TITLE:Beratung\\; Wohnen\\, Arbeit" in vcard


def _measure(site, title, **fields):
    return Measure.objects.create(site=site, title=title, slug=title.lower(), **fields)


def test_measures_filter_and_search(client, site, network):
    _measure(
        site,
        "Wohnungsbörse",
        action_field=network.housing,
        status="planned",
        target_group="Familien",
        lead_organisation=network.caritas,
    )
    url = network.measures_page.url

    def titles(**params):
        html = client.get(url, params, **HOST).content.decode()
        return {t for t in ["Sprachcafé", "Wohnungsbörse"] if t in html}

    assert titles() == {"Sprachcafé", "Wohnungsbörse"}
    assert titles(action_field="wohnen") == {"Wohnungsbörse"}
    assert titles(status="running") == {"Sprachcafé"}
    assert titles(target_group="famil") == {"Wohnungsbörse"}
    assert titles(organisation=str(network.caritas.pk)) == {"Sprachcafé", "Wohnungsbörse"}
    assert titles(organisation=str(network.vhs.pk)) == {"Sprachcafé"}
    assert titles(q="Alltag") == {"Sprachcafé"}


def test_measure_detail_shows_indicators_and_history(client, network):
    network.indicator.current_value = 25
    network.indicator.reading_date = dt.date(2026, 6, 1)
    network.indicator.save()
    assert IndicatorReading.objects.filter(indicator=network.indicator).count() == 2
    html = client.get(network.measures_page.url + "sprachcafe/", **HOST).content.decode()
    assert "Teilnehmende" in html
    assert 'value="62"' in html  # 25 of 40
    assert "<svg" in html and 'role="img"' in html
    assert client.get(network.measures_page.url + "nichts/", **HOST).status_code == 404


def test_saving_the_same_reading_twice_keeps_one(network):
    network.indicator.save()
    network.indicator.save()
    assert IndicatorReading.objects.filter(indicator=network.indicator).count() == 1


def test_csv_and_excel_export_follow_the_filters(client, site, network):
    from openpyxl import load_workbook

    _measure(site, "=HYPERLINK(1)", action_field=network.housing)
    url = network.measures_page.url
    csv = client.get(url + "export-csv/", {"action_field": "sprache"}, **HOST).content.decode()
    assert csv.startswith("\ufeff")
    assert "Sprachcafé" in csv and "HYPERLINK" not in csv
    assert "Teilnehmende: 10.00 / 40.00 Personen" in csv
    csv_all = client.get(url + "export-csv/", **HOST).content.decode()
    assert "'=HYPERLINK(1)" in csv_all  # no formula injection
    response = client.get(url + "export-xlsx/", {"status": "running"}, **HOST)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Sprachcafé"
    assert len(rows) == 2


def test_report_groups_measures_by_action_field_and_takes_extra_sections(network, site):
    def receiver(sender, start, end, action_field, **kwargs):
        if action_field and action_field.slug == "wohnen":
            return ReportSection("Netzwerktreffen", [ReportRow("Treffen", dt.date(2026, 5, 5))], 30)
        return None

    report_sections.connect(receiver)
    try:
        reports = build_report(site, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    finally:
        report_sections.disconnect(receiver)
    by_title = {r.title: r for r in reports}
    assert [m.title for m in by_title["Sprache"].measures] == ["Sprachcafé"]
    housing = by_title["Wohnen"]
    assert [s.title for s in housing.sections] == ["Arbeitsgruppen", "Netzwerktreffen"]
    assert housing.sections[0].rows[0].title == "Kontakt mit Behörden"


def test_report_leaves_out_measures_outside_the_period(network, site):
    network.measure.end_date = dt.date(2026, 2, 1)
    network.measure.save()
    reports = build_report(site, dt.date(2026, 3, 1), dt.date(2026, 12, 31))
    assert all(not r.measures for r in reports)


def test_report_html_and_pdf(client, settings, network, staff):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(staff)
    params = {"site": network.page.get_site().pk, "start": "2026-01-01", "end": "2026-12-31"}
    html = client.get("/admin/networks/report/", params, **HOST).content.decode()
    assert "Sprachcafé" in html and "@media print" not in html
    assert "networks/networks.css" in html  # the print stylesheet
    pdf = client.get("/admin/networks/report/", {**params, "format": "pdf"}, **HOST)
    assert pdf.content.startswith(b"%PDF")
    bad = client.get(
        "/admin/networks/report/", {**params, "start": "2026-12-31", "end": "2026-01-01"}, **HOST
    )
    assert bad.status_code == 400
    assert "Das Ende darf nicht vor dem Beginn liegen." in bad.content.decode()


def test_working_group_index_filters_by_action_field(client, network):
    html = client.get(
        network.groups_index.url, {"action_field": "sprache"}, **HOST
    ).content.decode()
    assert "Kontakt mit Behörden" not in html
    html = client.get(network.groups_index.url, {"action_field": "wohnen"}, **HOST).content.decode()
    assert "Kontakt mit Behörden" in html


def test_action_field_names_follow_the_visitors_language(client, network):
    arabic = network.housing.copy_for_translation(
        __import__("wagtail.models", fromlist=["Locale"]).Locale.objects.get(language_code="ar")
    )
    arabic.name = "السكن"
    arabic.save()
    html = client.get("/ar" + network.directory.url, **HOST).content.decode()
    assert "السكن" in html
    assert ActionField.objects.filter(slug="wohnen").count() == 2


def test_indicator_progress_is_capped(network):
    indicator = Indicator(measure=network.measure, name="x", target=10, current_value=30)
    assert indicator.progress == 100
    assert Indicator(measure=network.measure, name="y", target=0, current_value=3).progress is None


def test_network_page_lists_upcoming_calendar_entries(client, network):
    from django.utils import timezone

    from treffpunkt.calendar import CalendarEntry
    from treffpunkt.calendar.signals import calendar_entries

    start_at = timezone.now() + dt.timedelta(days=3)

    def receiver(sender, start: dt.datetime, end: dt.datetime, user, filters, **kwargs):
        return [
            CalendarEntry(
                uid="netzwerktreffen-1",
                title="Netzwerktreffen im Rathaus",
                start=start_at,
                end=start_at + dt.timedelta(hours=2),
                url="/netzwerktreffen/",
                kind="meeting",
            )
        ]

    calendar_entries.connect(receiver)
    try:
        html = client.get(network.page.url, **HOST).content.decode()
    finally:
        calendar_entries.disconnect(receiver)
    assert "Netzwerktreffen im Rathaus" in html
    assert "Upcoming events" not in html and "Nächste Veranstaltungen" in html


def test_language_switcher_and_hreflang_keep_the_organisation_in_every_language(client, network):
    """The directory is translated (an alias) into Arabic: the switcher on an organisation's
    page leads to the same organisation, not to the directory; numbers are isolated."""
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    german, arabic = Locale.objects.get(language_code="de"), Locale.objects.get(language_code="ar")
    LocaleSynchronization.objects.create(locale=arabic, sync_from=german)
    synchronize_tree(german, arabic)
    path = network.directory.url + "caritas/"
    html = client.get("/ar" + path, **HOST).content.decode()
    assert f'<a href="/sprache/ar/?next=/ar{path}" lang="ar"' in html
    assert f'<a href="/sprache/de/?next={path}" lang="de"' in html
    assert client.get(f"/sprache/ar/?next={path}", **HOST)["Location"] == "/ar" + path
    assert f'<link rel="alternate" hreflang="ar" href="http://beckum.test/ar{path}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://beckum.test{path}">' in html
    assert '<bdi dir="ltr">02521 123</bdi>' in html
    # The address links to OpenStreetMap and its route planner; nothing is embedded.
    query = "Clemens-August-Stra%C3%9Fe+3%2C+59269%2C+Beckum"
    assert f'href="https://www.openstreetmap.org/search?query={query}"' in html
    assert f'href="https://www.openstreetmap.org/directions?to={query}"' in html
    assert "<iframe" not in html
