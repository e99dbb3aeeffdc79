"""Bringing an existing list in (with its consent source and a dry run), and taking it out."""

from __future__ import annotations

import csv
import io

import pytest

from plugins.newsletter import subscriptions
from plugins.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db

GOOD = "email;language;topics\nanna@example.org;de;Veranstaltungen\nbora@example.org;tr;\n"


def test_dry_run_reports_and_imports_nothing(site, topic):
    report = subscriptions.import_csv(site, GOOD.encode(), source="Liste Netzwerktreffen")
    assert report.ok and report.dry_run
    assert report.created == ["anna@example.org", "bora@example.org"]
    assert not Subscriber.objects.exists()


def test_import_keeps_the_consent_source_and_topics(site, topic):
    report = subscriptions.import_csv(
        site, GOOD.encode(), source="Liste Netzwerktreffen", dry_run=False
    )
    assert report.ok
    anna = Subscriber.objects.get(email="anna@example.org")
    assert anna.status == Subscriber.Status.CONFIRMED
    assert anna.consent_source == "import: Liste Netzwerktreffen"
    assert list(anna.topics.all()) == [topic]
    assert Subscriber.objects.get(email="bora@example.org").language == "tr"


def test_broken_rows_import_nothing_and_name_their_lines(site, topic):
    data = (
        "email,language,topics\n"
        "ok@example.org,de,\n"
        "kaputt,de,\n"
        "x@example.org,klingonisch,\n"
        "y@example.org,de,Gibtsnicht\n"
        "ok@example.org,en,\n"
    )
    report = subscriptions.import_csv(site, data, source="Liste", dry_run=False)
    assert not report.ok
    joined = "\n".join(report.errors)
    for line in ["3", "4", "5", "6"]:
        assert f"Line {line}" in joined or f"Zeile {line}" in joined
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "data, source",
    [
        (b"\xff\xfe\x00garbage", "Liste"),
        ("name,language\nAnna,de\n", "Liste"),
        (GOOD, ""),
    ],
)
def test_unreadable_files_and_missing_source_are_refused(site, topic, data, source):
    report = subscriptions.import_csv(site, data, source=source, dry_run=False)
    assert not report.ok
    assert not Subscriber.objects.exists()


def test_people_who_left_are_not_put_back(site, topic):
    Subscriber.objects.create(
        site=site, email="anna@example.org", status=Subscriber.Status.UNSUBSCRIBED
    )
    report = subscriptions.import_csv(site, GOOD, source="Liste", dry_run=False)
    assert report.left_before == ["anna@example.org"]
    assert Subscriber.objects.get(email="anna@example.org").status == "unsubscribed"


def test_export_has_the_consent_record_and_defuses_formulas(site, topic):
    Subscriber.objects.create(
        site=site,
        email="anna@example.org",
        status=Subscriber.Status.CONFIRMED,
        consent_source="=HYPERLINK(1)",
    )
    rows = list(csv.reader(io.StringIO(subscriptions.export_csv(site))))
    assert rows[0][:4] == ["email", "language", "topics", "status"]
    assert rows[1][0] == "anna@example.org"
    assert rows[1][-1] == "'=HYPERLINK(1)"
