"""One login, one second factor: Wagtail's login is closed, and staff reach nothing that
publishes or shows other people's data before *this session* passed TOTP (or a recovery code).
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from wagtail.models import Locale

from events import registrations as engine
from tests.conftest import PASSWORD, force_login_password_only
from tests.events.conftest import add_event
from treffpunkt.accounts.roles import make_manager

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = True


@pytest.fixture
def event(site):
    from events.models import EventIndexPage

    for code in ["de", "en"]:
        Locale.objects.get_or_create(language_code=code)
    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    page = add_event(calendar, title="Begegnungscafé", capacity=10)
    engine.sign_up(page, email="registrant@example.org", name="Rana")
    return page


@pytest.fixture
def manager(make_user, site):
    """An integration manager (not staff): publishes pages and opens registrations."""
    person = make_user("integration@beckum.example", first_name="Ina", last_name="Grote")
    make_manager(person, site)
    return person


def _code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def _sensitive_paths(event) -> list[str]:
    return [
        "/admin/",
        "/admin/pages/",
        f"/veranstaltungen/{event.pk}/anmeldungen/",
        f"/veranstaltungen/{event.pk}/anmeldungen.csv",
        f"/veranstaltungen/{event.pk}/anmeldungen.xlsx",
        f"/veranstaltungen/{event.pk}/anmeldungen.json",
        "/konto/",
        "/en/konto/",
    ]


def test_wagtail_login_and_password_reset_are_not_reachable(client, site, staff):
    response = client.get("/admin/login/?next=/admin/pages/", **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # a password posted to Wagtail's old login URL signs nobody in
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD}, **HOST)
    assert response.status_code == 302
    assert not client.get("/konto/", **HOST).wsgi_request.user.is_authenticated
    # an outside "next" is dropped
    response = client.get("/admin/login/?next=https://evil.example/", **HOST)
    assert response["Location"] == "/accounts/login/"
    for path in [
        "/admin/password_reset/",
        "/admin/password_reset/done/",
        "/admin/password_reset/confirm/MQ/set-password/",
        "/admin/password_reset/complete/",
    ]:
        response = client.post(path, {"email": staff.email}, **HOST)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/"
    # the admin itself sends people who are not signed in to allauth's login
    response = client.get("/admin/", **HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")


def test_staff_session_without_second_factor_reaches_nothing_until_the_code(client, staff, event):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    force_login_password_only(client, staff)
    for path in _sensitive_paths(event):
        response = client.get(path, **HOST)
        assert response.status_code == 302, path
        assert "/accounts/2fa/reauthenticate/?next=" in response["Location"], path
        assert b"registrant@example.org" not in response.content
    # a POST changes nothing either (the message to all registrants)
    response = client.post(f"/veranstaltungen/{event.pk}/anmeldungen/", {"subject": "x"}, **HOST)
    assert response.status_code == 302 and "/2fa/" in response["Location"]

    response = client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST)
    target = response["Location"]
    response = client.post(target, {"code": "000000"}, **HOST)
    assert response.status_code == 200  # wrong code: the form again
    response = client.post(target, {"code": _code(secret)}, **HOST)
    assert response.status_code == 302
    assert response["Location"] == f"/veranstaltungen/{event.pk}/anmeldungen.csv"
    for path in _sensitive_paths(event):
        assert client.get(path, **HOST).status_code == 200, path
    csv_text = client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST).content
    assert b"registrant@example.org" in csv_text


def test_login_through_allauth_asks_for_the_code_before_anything(client, staff, event):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD}, **HOST)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    for path in _sensitive_paths(event):
        response = client.get(path, **HOST)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)}, **HOST)
    assert response.status_code == 302
    assert client.get("/admin/", **HOST).status_code == 200
    assert client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST).status_code == 200


def test_a_recovery_code_passes_the_second_factor_once(client, staff, event):
    TOTP.activate(staff, generate_totp_secret())
    codes = RecoveryCodes.activate(staff).get_unused_codes()

    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD}, **HOST)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]}, **HOST)
    assert response.status_code == 302
    assert client.get("/admin/", **HOST).status_code == 200
    assert client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST).status_code == 200

    # the same code does not open a second session
    other = client.__class__()
    other.post("/accounts/login/", {"login": staff.email, "password": PASSWORD}, **HOST)
    response = other.post("/accounts/2fa/authenticate/", {"code": codes[0]}, **HOST)
    assert response.status_code == 200
    assert not other.get("/konto/", **HOST).wsgi_request.user.is_authenticated
    response = other.post("/accounts/2fa/authenticate/", {"code": codes[1]}, **HOST)
    assert response.status_code == 302
    assert other.get("/admin/", **HOST).status_code == 200


def test_staff_without_totp_set_it_up_and_then_get_in(client, manager, event):
    client.post("/accounts/login/", {"login": manager.email, "password": PASSWORD}, **HOST)
    for path in _sensitive_paths(event):
        response = client.get(path, **HOST)
        assert response.status_code == 302, path
        assert response["Location"].endswith("/accounts/2fa/totp/activate/"), path
    # allauth asks for the password again before an authenticator is added
    response = client.get("/accounts/2fa/totp/activate/", **HOST)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    response = client.post(response["Location"], {"password": PASSWORD}, **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/", **HOST)
    assert page.status_code == 200
    # re-entering the password is no second factor
    assert client.get("/admin/", **HOST).status_code == 302
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)}, **HOST)
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    # setting it up checked a code: this session has passed the second factor
    assert client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST).status_code == 200
    assert client.get("/admin/", **HOST).status_code == 200
    # recovery codes were made and are shown
    assert client.get("/accounts/2fa/recovery-codes/", **HOST).status_code == 200


def test_members_without_rights_need_no_second_factor(client, user, site):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HOST)
    assert client.get("/konto/", **HOST).status_code == 200
    assert client.get("/konto/profil/", **HOST).status_code == 200


def test_the_demo_switch_turns_the_rule_off(client, manager, event, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    force_login_password_only(client, manager)
    assert client.get(f"/veranstaltungen/{event.pk}/anmeldungen.csv", **HOST).status_code == 200
