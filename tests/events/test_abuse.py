"""One visitor cannot book out an event; mail links change nothing by GET; the typed name
reaches the typed address only as a plain, short name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from events import challenge
from events import registrations as engine
from events.models import Registration
from events.tasks import plain_name

from .conftest import add_event

pytestmark = pytest.mark.django_db
S = Registration.Status
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def limits(settings):
    """The limits of a deployment (the other event tests switch them off)."""
    settings.EVENTS_UNCONFIRMED_SHARE = 0.5
    settings.EVENTS_UNCONFIRMED_MAX_PARTY = 2
    settings.EVENTS_HOLDS_PER_IP = (3, 3600)
    settings.EVENTS_HOLDS_PER_EMAIL = (3, 3600)
    settings.EVENTS_ATTACK_POSTS = (60, 600)
    settings.EVENTS_POW_BITS = 8
    cache.clear()
    return settings


@pytest.fixture
def festival(calendar_page):
    return add_event(calendar_page, title="Fest", capacity=20, max_party_size=6)


def signup_url(event) -> str:
    return event.url + "anmelden/"


def held(event) -> int:
    return sum(
        r.party_size
        for r in Registration.objects.filter(event=event, status__in=(S.HELD, S.CONFIRMED))
    )


def test_unconfirmed_sign_ups_never_hold_more_than_the_share(limits, festival):
    regs = [engine.sign_up(festival, email=f"fake{i}@example.org", party_size=2) for i in range(8)]
    assert held(festival) == 10  # half of 20
    assert [r.status for r in regs].count(S.WAITING) == 3
    # the real visitor who confirms still gets a place
    real = engine.sign_up(festival, email="real@example.org")
    assert real.status == S.WAITING  # the share is used up: no hold before confirming ...
    assert engine.confirm(real.token).status == S.CONFIRMED  # ... but a place on confirming
    assert engine.availability(festival)["free"] == 9


def test_large_parties_hold_only_once_confirmed(limits, festival):
    party = engine.sign_up(festival, email="family@example.org", party_size=6)
    assert party.status == S.WAITING and held(festival) == 0
    assert engine.confirm(party.token).status == S.CONFIRMED
    assert held(festival) == 6


def test_a_deferred_sign_up_that_is_never_confirmed_expires(limits, festival):
    from datetime import timedelta

    from django.utils import timezone

    party = engine.sign_up(festival, email="family@example.org", party_size=6)
    engine.expire_holds(now=timezone.now() + timedelta(hours=2))
    party.refresh_from_db()
    assert party.status == S.EXPIRED


def test_the_booking_out_attack_over_http(limits, client, festival):
    """The attack of the issue: one IP, invented addresses, parties of 6, then a second
    address; the next real visitor still gets a place at once."""
    for i in range(16):
        client.post(
            signup_url(festival), {"email": f"fake{i}@example.org", "party_size": "6"}, **HOST
        )
    for i in range(16):
        client.post(
            signup_url(festival), {"email": f"fake-b{i}@example.org", "party_size": "1"}, **HOST
        )
    assert held(festival) <= 3  # the per-IP limit, then the event is under attack
    response = client.post(
        signup_url(festival),
        {"email": "nour@example.org", "party_size": "2"},
        REMOTE_ADDR="10.0.0.7",
        **HOST,
    )
    assert response.status_code == 302
    nour = Registration.objects.get(email="nour@example.org")
    # under attack, a visitor without the challenge holds nothing, but is not refused
    assert nour.status == S.WAITING
    assert engine.confirm(nour.token).status == S.CONFIRMED


def test_under_attack_a_solved_challenge_holds_a_place(limits, client, festival):
    for i in range(5):
        client.post(
            signup_url(festival), {"email": f"fake{i}@example.org", "party_size": "1"}, **HOST
        )
    data = client.get(f"/veranstaltungen/{festival.pk}/pruefung.json", **HOST).json()
    assert data["required"] is True and data["bits"] == 8
    nonce = challenge.solve(data["challenge"], data["bits"])
    post = {
        "email": "real@example.org",
        "party_size": "1",
        "pow_challenge": data["challenge"],
        "pow_nonce": nonce,
    }
    client.post(signup_url(festival), post, REMOTE_ADDR="10.0.0.8", **HOST)
    assert Registration.objects.get(email="real@example.org").status == S.HELD
    # the same solution a second time is worth nothing
    post["email"] = "second@example.org"
    client.post(signup_url(festival), post, REMOTE_ADDR="10.0.0.9", **HOST)
    assert Registration.objects.get(email="second@example.org").status == S.WAITING


def test_the_challenge_is_not_asked_for_in_quiet_times(limits, client, festival):
    data = client.get(f"/veranstaltungen/{festival.pk}/pruefung.json", **HOST).json()
    assert data == {"required": False}
    assert not challenge.verify("forged:abc", "1", festival.pk)
    assert not challenge.verify(None, ["1"], festival.pk)


def test_get_of_the_mail_link_confirms_nothing(client, festival):
    client.post(signup_url(festival), {"email": "victim@example.org", "party_size": "1"}, **HOST)
    registration = Registration.objects.get()
    path = f"/anmeldung/{registration.token}/bestaetigen/"
    for _scanner in range(3):
        assert client.get(path, **HOST).status_code == 200
        assert client.head(path, **HOST).status_code == 200
    registration.refresh_from_db()
    assert (registration.status, registration.email_confirmed) == (S.HELD, False)
    assert client.post(path, **HOST).status_code == 200
    registration.refresh_from_db()
    assert registration.email_confirmed


def test_the_typed_name_reaches_the_typed_address_only_plain_and_short(client, festival, commit):
    name = "Visit https://evil.example/win now 0800 123456 " + "and more " * 20
    post = {"email": "victim@example.org", "name": name[:120], "party_size": "1"}
    with commit():
        client.post(signup_url(festival), post, **HOST)
    body = mail.outbox[0].body
    assert "evil.example" not in body and "://" not in body.splitlines()[0]
    assert "0800" not in body
    first_line = body.splitlines()[0]
    assert len(first_line) <= len("Hallo ,") + 40
    assert plain_name("Şükrü O’Neil-Koval\n\rBCC: x@y") == "Şükrü O’Neil-Koval BCC x y"
    assert plain_name("محمد") == "محمد"
