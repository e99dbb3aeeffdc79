"""QR tickets: the confirmation mail and the confirmed page carry a QR code of a check-in
address with an unguessable code; the organiser's check-in page reads it (camera where the
browser has a BarcodeDetector, else the typed code) and checks the person in, only for staff
allowed to manage that event, never for another town's."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from PIL import Image

from events import registrations as engine
from events import tickets
from events.models import TICKET_ALPHABET, TICKET_LENGTH, Registration
from treffpunkt.accounts.roles import make_manager, make_network_member

S = Registration.Status
HOST = {"HTTP_HOST": "beckum.test"}


def _confirmed(event, email="nour@example.org", **fields) -> Registration:
    registration = engine.sign_up(event, email=email, **fields)
    if registration.status == S.HELD:
        registration = engine.confirm(registration.token)
    assert registration.status == S.CONFIRMED
    return registration


def _scan(client, event, code: str):
    return client.post(
        f"/veranstaltungen/{event.pk}/anmeldungen/ticket/", {"code": code}, follow=True, **HOST
    )


def _said(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- the code --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_registration_has_its_own_code(event):
    codes = {engine.sign_up(event, email=f"p{i}@example.org").ticket for i in range(8)}
    assert len(codes) == 8
    for code in codes:
        assert len(code) == TICKET_LENGTH and set(code) <= set(TICKET_ALPHABET)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("https://beckum.test/veranstaltungen/7/anmeldungen/ticket/ABCD2345EFGH/", "ABCD2345EFGH"),
        ("ABCD-2345-EFGH", "ABCD2345EFGH"),
        ("  abcd 2345 efgh \n", "ABCD2345EFGH"),
        ("ABCD2345EFG", ""),  # one short
        ("ABCD2345EFGHJ", ""),  # one too many
        ("ABCD2345EFG0", ""),  # a zero is never in a code
        ("", ""),
        ("x" * 10_000, ""),
        ("'; DROP TABLE events_registration; --", ""),
        ("\u202eABCD2345EFGH", ""),
        ("АВСD2345EFGH", ""),  # Cyrillic look-alikes
    ],
)
def test_what_is_read_from_a_scan_or_typing(text, code):
    assert tickets.read_code(text) == code


# --- what the registrant gets ----------------------------------------------------------


@pytest.mark.django_db
def test_confirmation_mail_carries_the_qr_ticket(event, commit):
    with commit():
        registration = engine.sign_up(event, email="nour@example.org", language="ar")
    held_mail = mail.outbox[-1]
    assert not [a for a in held_mail.attachments if a[0] == "ticket.png"]  # no place yet
    with commit():
        registration = engine.confirm(registration.token)
    message = mail.outbox[-1]
    attachments = {name: (content, mimetype) for name, content, mimetype in message.attachments}
    assert attachments["ticket.png"][1] == "image/png"
    png = attachments["ticket.png"][0]
    image = Image.open(io.BytesIO(png))
    assert image.width == image.height >= 200  # big enough to scan from a phone
    url = f"http://beckum.test/veranstaltungen/{event.pk}/anmeldungen/ticket/{registration.ticket}/"
    assert png == tickets.qr_png(url)  # the QR code holds the check-in address, default language
    assert tickets.display_code(registration.ticket) in message.body
    assert registration.token not in url  # the ticket cannot cancel


@pytest.mark.django_db
def test_waiting_list_gets_no_ticket_until_promoted(make_event, commit):
    small = make_event(title="Klein", capacity=1)
    _confirmed(small, "first@example.org")
    with commit():
        waiting = engine.sign_up(small, email="second@example.org")
        waiting = engine.confirm(waiting.token)
    assert waiting.status == S.WAITING
    assert all(
        a[0] != "ticket.png" for m in mail.outbox for a in m.attachments if "second" in m.to[0]
    )
    first = Registration.objects.get(email="first@example.org")
    mail.outbox.clear()
    with commit():
        engine.cancel(first.token)
    promoted = [m for m in mail.outbox if m.to == ["second@example.org"]]
    assert promoted and "ticket.png" in [a[0] for a in promoted[0].attachments]


@pytest.mark.django_db
def test_confirmed_page_and_own_sign_up_page_show_the_ticket(client, event, commit):
    registration = engine.sign_up(event, email="nour@example.org")
    html = client.get(f"/ar/anmeldung/{registration.token}/bestaetigen/", **HOST).content.decode()
    assert "<svg" not in html  # not yet confirmed: no ticket
    response = client.post(f"/ar/anmeldung/{registration.token}/bestaetigen/", **HOST)
    html = response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    assert re.search(r'<figure class="ticket__qr" role="img" aria-label="[^"]+"><svg', html)
    assert f'<bdi dir="ltr">{tickets.display_code(registration.ticket)}</bdi>' in html
    assert 'lang="ar"' in html and "Your ticket" not in html  # in the visitor's language
    # the address in the mail to cancel is also where the ticket can be found again
    html = client.get(f"/anmeldung/{registration.token}/absagen/", **HOST).content.decode()
    assert tickets.display_code(registration.ticket) in html and "<svg" in html
    engine.cancel(registration.token)
    html = client.get(f"/anmeldung/{registration.token}/absagen/", **HOST).content.decode()
    assert "<svg" not in html and tickets.display_code(registration.ticket) not in html


# --- the door ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_scanning_checks_in_once(client, event, staff):
    registration = _confirmed(event, party_size=3, name="Nour Aziz")
    client.force_login(staff)
    url = tickets.ticket_url(registration)
    response = _scan(client, event, url)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(f"/veranstaltungen/{event.pk}/anmeldungen/#scan")
    assert "Eingecheckt: Nour Aziz (3 Personen)" in _said(response)
    registration.refresh_from_db()
    first = registration.attended_at
    assert first is not None
    again = _scan(client, event, tickets.display_code(registration.ticket).lower())
    assert "Bereits eingecheckt um" in _said(again)
    registration.refresh_from_db()
    assert registration.attended_at == first  # not moved by the second scan


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "nonsense", "x" * 5000, "ZZZZZZZZZZZZ", "<script>"])
def test_bad_or_unknown_codes_change_nothing(client, event, staff, code):
    registration = _confirmed(event)
    client.force_login(staff)
    response = _scan(client, event, code)
    assert response.status_code == 200
    assert "Kein Ticket mit diesem Code für diese Veranstaltung." in _said(response)
    registration.refresh_from_db()
    assert registration.attended_at is None


@pytest.mark.django_db
def test_another_events_ticket_is_unknown_here(client, event, make_event, staff):
    other = make_event(title="Anderes", capacity=5)
    foreign = _confirmed(other)
    client.force_login(staff)
    response = _scan(client, event, foreign.ticket)
    assert "Kein Ticket" in _said(response)
    foreign.refresh_from_db()
    assert foreign.attended_at is None
    assert (
        client.get(
            f"/veranstaltungen/{event.pk}/anmeldungen/ticket/{foreign.ticket}/", **HOST
        ).status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["cancelled", "waiting", "held"])
def test_a_ticket_without_a_place_is_refused(client, make_event, staff, state):
    small = make_event(title="Klein", capacity=1)
    if state == "waiting":
        _confirmed(small, "first@example.org")
        registration = engine.confirm(engine.sign_up(small, email="nour@example.org").token)
    elif state == "held":
        registration = engine.sign_up(small, email="nour@example.org")
    else:
        registration = _confirmed(small)
        registration = engine.cancel(registration.token)
    assert registration.status == state
    client.force_login(staff)
    response = _scan(client, small, registration.ticket)
    assert "Dieses Ticket hat keinen Platz" in _said(response)
    registration.refresh_from_db()
    assert registration.attended_at is None


@pytest.mark.django_db
def test_opening_the_ticket_address_shows_the_person_and_checks_in_only_on_the_button(
    client, event, staff
):
    registration = _confirmed(event, name="Nour Aziz")
    client.force_login(staff)
    url = f"/veranstaltungen/{event.pk}/anmeldungen/ticket/{registration.ticket}/"
    html = client.get(url, **HOST).content.decode()
    assert "Nour Aziz" in html and "Einchecken" in html
    registration.refresh_from_db()
    assert registration.attended_at is None  # a GET (a link preview, a scanner) changes nothing
    response = client.post(
        f"/veranstaltungen/{event.pk}/anmeldungen/ticket/",
        {"code": registration.ticket},
        **HOST,
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attended_at is not None
    assert "Bereits eingecheckt" in client.get(url, **HOST).content.decode()
    assert client.get(url.replace(registration.ticket, "garbage"), **HOST).status_code == 404


@pytest.fixture
def people(site, other_site, make_user, staff):
    member = make_user("member2@example.org")
    make_network_member(member, site)
    manager = make_user("manager@example.org", is_staff=True)
    make_manager(manager, site)
    other_manager = make_user("manager@borken.example", is_staff=True)
    make_manager(other_manager, other_site)
    # The other town's manager is also a member of this town's network: still no door here.
    other_member_manager = make_user("both@borken.example", is_staff=True)
    make_manager(other_member_manager, other_site)
    make_network_member(other_member_manager, site)
    return {
        "outsider": make_user("outsider@example.org"),
        "member": member,
        "manager": manager,
        "other_manager": other_manager,
        "other_member_manager": other_member_manager,
        "staff": staff,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("other_manager", False),
        ("other_member_manager", False),
        ("manager", True),
        ("staff", True),
    ],
)
@pytest.mark.parametrize("host", ["beckum.test", "borken.test"])
def test_only_staff_of_the_events_town_check_in(client, event, people, who, allowed, host):
    registration = _confirmed(event, name="Nour Aziz")
    if who != "anonymous":
        client.force_login(people[who])
    base = f"/veranstaltungen/{event.pk}/anmeldungen/ticket/"
    for prefix in ("", "/ar"):
        shown = client.get(f"{prefix}{base}{registration.ticket}/", HTTP_HOST=host)
        posted = client.post(f"{prefix}{base}", {"code": registration.ticket}, HTTP_HOST=host)
        for response in (shown, posted):
            if allowed:
                assert response.status_code in (200, 302)
            elif who == "anonymous":
                assert response.status_code == 302
                assert "/accounts/login/" in response["Location"]
            else:
                assert response.status_code == 403
                assert b"Nour Aziz" not in response.content
    registration.refresh_from_db()
    assert (registration.attended_at is not None) == allowed
