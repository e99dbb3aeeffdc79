"""Login throttling per account and per address that an attacker cannot turn against the
owner, and password resets limited per address and per IP."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
OWNER_IP, ATTACKER_IP = "203.0.113.10", "198.51.100.66"


def _login(client, email: str, password: str, ip: str):
    response = client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip, **HOST
    )
    signed_in = client.get("/konto/", REMOTE_ADDR=ip, **HOST).status_code == 200
    client.logout()
    return response, signed_in


def _refused_as_too_many(response) -> bool:
    return response.status_code == 429 or "Zu viele" in response.content.decode()


def test_wrong_passwords_from_an_attacker_lock_out_neither_owner_nor_neighbours(
    client, site, user, make_user
):
    neighbour = make_user("nachbar@example.org")
    for _ in range(5):
        response, signed_in = _login(client, user.email, "falsch", ATTACKER_IP)
        assert not signed_in and not _refused_as_too_many(response)
    # the attacker's address is now refused for this account, even with the right password
    response, signed_in = _login(client, user.email, PASSWORD, ATTACKER_IP)
    assert not signed_in and _refused_as_too_many(response)
    # the owner, from their own address, gets in
    assert _login(client, user.email, PASSWORD, OWNER_IP)[1]
    # another account's login from the attacker's address is not refused
    assert _login(client, neighbour.email, PASSWORD, ATTACKER_IP)[1]


def test_an_account_attacked_from_many_addresses_still_opens_from_the_owners_own(
    client, site, user
):
    assert _login(client, user.email, PASSWORD, OWNER_IP)[1]  # the owner's usual address
    for n in range(20):
        _login(client, user.email, "falsch", f"198.51.100.{n}")
    # from yet another address, the account is closed for now, the right password included
    response, signed_in = _login(client, user.email, PASSWORD, "198.51.100.200")
    assert not signed_in and _refused_as_too_many(response)
    # from the address it signed in from before, the owner gets in
    assert _login(client, user.email, PASSWORD, OWNER_IP)[1]


def test_one_address_spraying_many_accounts_is_stopped(client, site, make_user):
    regular = make_user("stammgast@example.org")
    assert _login(client, regular.email, PASSWORD, ATTACKER_IP)[1]  # a shared address
    for n in range(30):
        _login(client, f"person{n}@example.org", "falsch", ATTACKER_IP)
    other = make_user("neu@example.org")
    response, signed_in = _login(client, other.email, PASSWORD, ATTACKER_IP)
    assert not signed_in and _refused_as_too_many(response)
    # people who have signed in from this address before still can
    assert _login(client, regular.email, PASSWORD, ATTACKER_IP)[1]


def test_password_resets_are_limited_per_address_and_per_ip(client, site, user, make_user):
    for _ in range(5):
        client.post(
            "/accounts/password/reset/", {"email": user.email}, REMOTE_ADDR=OWNER_IP, **HOST
        )
    assert len([m for m in mail.outbox if user.email in m.to]) == 3
    mail.outbox.clear()
    people = [make_user(f"leser{n}@example.org") for n in range(12)]
    for person in people:
        client.post(
            "/accounts/password/reset/", {"email": person.email}, REMOTE_ADDR=ATTACKER_IP, **HOST
        )
    assert len(mail.outbox) == 10
