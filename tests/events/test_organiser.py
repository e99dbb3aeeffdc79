"""The organiser's tools: access matrix, live counts, exports, check-in, messages, certificates."""

from __future__ import annotations

import io

import pytest
from django.core import mail

from events import registrations as engine
from events.models import ConferencePage, Registration
from treffpunkt.accounts.roles import make_manager, make_network_member

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def people(site, make_user, staff):
    member = make_user("member2@example.org")
    make_network_member(member, site)
    coordinator = make_user("coordinator@example.org")
    make_network_member(coordinator, site)
    manager = make_user("manager@example.org", is_staff=True)
    make_manager(manager, site)
    return {
        "outsider": make_user("outsider@example.org"),
        "member": member,
        "coordinator": coordinator,
        "manager": manager,
        "staff": staff,
    }


def urls(event, registration) -> list[tuple[str, str]]:
    base = f"/veranstaltungen/{event.pk}/anmeldungen"
    return [
        ("get", base + "/"),
        ("get", base + ".json"),
        ("get", base + ".csv"),
        ("get", base + ".xlsx"),
        ("post", f"{base}/checkin/{registration.public_id}/"),
    ]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("coordinator", False),
        ("manager", True),
        ("staff", True),
    ],
)
def test_access_matrix_of_the_organiser_tools(client, event, people, who, allowed):
    registration = engine.sign_up(event, email="guest@example.org", name="Gast")
    if who != "anonymous":
        client.force_login(people[who])
    for method, url in urls(event, registration):
        response = getattr(client, method)(url, **HOST)
        if allowed:
            assert response.status_code in (200, 302), url
            if response.status_code == 302:
                assert "/accounts/" not in response["Location"]
        elif who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    registration.refresh_from_db()
    assert (registration.attended_at is not None) == allowed


def test_live_counts_json(client, event, staff):
    engine.sign_up(event, email="a@example.org", party_size=3)
    client.force_login(staff)
    data = client.get(f"/veranstaltungen/{event.pk}/anmeldungen.json", **HOST).json()
    assert data["capacity"] == 10 and data["taken"] == 3 and data["free"] == 7 and data["held"] == 3


def test_unknown_event_is_404(client, staff, site):
    client.force_login(staff)
    assert client.get("/veranstaltungen/999999/anmeldungen/", **HOST).status_code == 404


def test_registration_of_another_event_cannot_be_checked_in(client, event, make_event, staff):
    other = make_event(title="Anderes")
    foreign = engine.sign_up(other, email="x@example.org")
    client.force_login(staff)
    response = client.post(
        f"/veranstaltungen/{event.pk}/anmeldungen/checkin/{foreign.public_id}/", **HOST
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.attended_at is None


def test_exports_hold_the_registrations_and_defuse_formulas(client, event, staff):
    engine.sign_up(event, email="a@example.org", name="=HYPERLINK(1)", answers={"Diät": "halal"})
    client.force_login(staff)
    csv_text = client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST).content.decode(
        "utf-8-sig"
    )
    assert (
        "a@example.org" in csv_text and "'=HYPERLINK(1)" in csv_text and "Diät: halal" in csv_text
    )
    from openpyxl import load_workbook

    response = client.get(f"/veranstaltungen/{event.pk}/anmeldungen.xlsx", **HOST)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "E-Mail" and rows[1][3] == "a@example.org"


def test_message_to_all_registrants(client, event, staff):
    for i in range(3):
        engine.sign_up(event, email=f"p{i}@example.org")
    mail.outbox.clear()
    client.force_login(staff)
    url = f"/veranstaltungen/{event.pk}/anmeldungen/"
    response = client.post(
        url, {"subject": "Raumänderung", "text": "Wir treffen uns im Saal."}, **HOST
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{i}@example.org" for i in range(3)]
    assert all(m.subject == "Raumänderung" for m in mail.outbox)
    mail.outbox.clear()
    assert client.post(url, {"subject": "", "text": "x" * 6000}, **HOST).status_code == 400
    assert mail.outbox == []


def test_contribution_approval_by_the_organiser(client, festival, staff, commit):
    offer = engine.sign_up(
        festival,
        kind="contribution",
        email="f@example.org",
        contribution_kind="music",
        contribution_text="Saz",
    )
    engine.confirm(offer.token)
    client.force_login(staff)
    with commit():
        client.post(
            f"/veranstaltungen/{festival.pk}/anmeldungen/beitrag/{offer.public_id}/",
            {"approve": "1"},
            **HOST,
        )
    offer.refresh_from_db()
    assert offer.status == Registration.Status.CONFIRMED
    assert "angenommen" in mail.outbox[-1].subject


def test_certificate_only_after_check_in(client, make_event):
    conference = make_event(ConferencePage, title="Integrationskonferenz 2026")
    registration = engine.sign_up(
        conference, kind="participant", email="c@example.org", name="Olena Koval"
    )
    url = f"/anmeldung/{registration.token}/bescheinigung.pdf"
    assert client.get(url, **HOST).status_code == 403
    engine.check_in(registration)
    status_page = client.get(f"/anmeldung/{registration.token}/absagen/", **HOST).content.decode()
    assert url in status_page
    response = client.get(url, **HOST)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/anmeldung/forged/bescheinigung.pdf", **HOST).status_code == 404


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("uk", "Олена Коваль", ["Довідка про участь", "Олена Коваль", "конференції"]),
        ("tr", "Şükrü Öztürk", ["Katılım belgesi", "Şükrü Öztürk", "katılmıştır"]),
        ("de", "Jürgen Weiß", ["Teilnahmebescheinigung", "Jürgen Weiß", "teilgenommen"]),
        # text is extracted in visual order: Arabic words come out right to left
        ("ar", "ليلى حداد", ["حضور", "شهادة", "ليلى", "حداد", "المؤتمر"]),
    ],
)
def test_certificate_in_the_registrants_language_and_script(
    client, make_event, language, name, expected
):
    import pypdf

    conference = make_event(ConferencePage, title="Integrationskonferenz 2026")
    registration = engine.sign_up(
        conference, kind="participant", email="c@example.org", name=name, language=language
    )
    engine.check_in(registration)
    response = client.get(f"/anmeldung/{registration.token}/bescheinigung.pdf", **HOST)
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    for words in expected:
        assert words in text
    assert "?" not in text.replace("(ла)", "")  # nothing replaced for want of a glyph
    fonts = {
        str(font["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("NotoSans" in font for font in fonts)
    if language == "ar":
        assert any("NotoSansArabic" in font for font in fonts)


def test_organiser_page_queries_do_not_grow_with_registrations(client, conference, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workshop = conference.workshops.first()
    for i in range(3):
        engine.sign_up(conference, kind="participant", email=f"a{i}@example.org", workshop=workshop)
    client.force_login(staff)
    url = f"/veranstaltungen/{conference.pk}/anmeldungen/"
    client.get(url, **HOST)
    with CaptureQueriesContext(connection) as few:
        client.get(url, **HOST)
    for i in range(20):
        engine.sign_up(conference, kind="participant", email=f"b{i}@example.org", workshop=workshop)
    client.get(url, **HOST)  # the places counted once after the sign-ups (events.places)
    with CaptureQueriesContext(connection) as many:
        client.get(url, **HOST)
    assert len(many.captured_queries) <= len(few.captured_queries)
