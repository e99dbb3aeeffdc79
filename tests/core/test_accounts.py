"""Accounts: sign-up with mandatory verification, login, rate limits, MFA, profile, deletion."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import get_user_model
from django.core import mail

from tests.conftest import PASSWORD, force_login_password_only

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def _signup(client, email="neu@example.org", **extra):
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Olena",
        "last_name": "Koval",
        "preferred_language": "uk",
        **extra,
    }
    return client.post("/accounts/signup/", data, **HOST)


def test_signup_needs_email_verification_before_login(client, site):
    response = _signup(client)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="neu@example.org")
    assert user.preferred_language == "uk" and user.first_name == "Olena"
    assert len(mail.outbox) == 1
    assert not client.get("/konto/", **HOST).wsgi_request.user.is_authenticated

    # Logging in before confirming only resends the verification mail.
    response = client.post(
        "/accounts/login/", {"login": "neu@example.org", "password": PASSWORD}, **HOST
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert client.get("/konto/", **HOST).status_code == 302

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(
        0
    )
    path = (
        link.split("beckum.test", 1)[-1]
        if "beckum.test" in link
        else re.sub(r"https?://[^/]+", "", link)
    )
    response = client.post(path, **HOST)
    assert response.status_code == 302
    assert client.get("/konto/", **HOST).status_code == 200


def test_signup_bad_input_changes_nothing(client, site, make_user):
    make_user("schon-da@example.org")
    cases = [
        {"email": "kein-at-zeichen"},
        {"password2": "anders-als-das-erste"},
        {"first_name": ""},
        {"first_name": "x" * 151},
        {"preferred_language": "xx"},
    ]
    for overrides in cases:
        response = _signup(client, **{"email": "neu@example.org", **overrides})
        assert response.status_code == 200, overrides
        assert "error" in response.content.decode() or response.context["form"].errors
    assert not get_user_model().objects.filter(email="neu@example.org").exists()
    # An address that exists already: no second account, and no hint on the page either.
    count = get_user_model().objects.count()
    _signup(client, email="schon-da@example.org")
    assert get_user_model().objects.count() == count


def test_wrong_password_gives_clear_message_in_users_language(client, site, user):
    response = client.post(
        "/ar/accounts/login/", {"login": user.email, "password": "falsch"}, **HOST
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "غير صحيحة" in html or "غير صحيح" in html  # "not correct" in allauth's Arabic catalogue


def test_too_many_failed_logins_are_refused(client, site, user):
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "falsch"}, **HOST)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HOST)
    assert response.status_code in (200, 429)
    assert not client.get("/konto/", **HOST).wsgi_request.user.is_authenticated
    assert "Zu viele" in response.content.decode() or response.status_code == 429


def _current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_mfa_wrong_code_is_refused_right_code_signs_in(client, site, user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HOST)
    assert response.status_code == 302 and "2fa" in response["Location"]
    response = client.post(response["Location"], {"code": "000000"}, **HOST)
    assert response.status_code == 200
    assert "Falscher Code" in response.content.decode() or response.context["form"].errors
    assert not client.get("/konto/", **HOST).wsgi_request.user.is_authenticated
    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)}, **HOST)
    assert response.status_code == 302
    assert client.get("/konto/", **HOST).status_code == 200


def test_staff_who_can_publish_must_set_up_totp_before_the_admin(client, site, staff, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = True
    force_login_password_only(client, staff)
    response = client.get("/admin/", **HOST)
    assert response.status_code == 302 and "/accounts/2fa/totp/activate/" in response["Location"]
    # an authenticator that exists is not enough: this session has not passed it
    TOTP.activate(staff, generate_totp_secret())
    response = client.get("/admin/", **HOST)
    assert response.status_code == 302 and "/accounts/2fa/reauthenticate/" in response["Location"]


def test_members_without_publish_rights_need_no_second_factor(client, site, user, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = True
    client.force_login(user)
    assert client.get("/konto/", **HOST).status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


def test_profile_saves_language_and_rejects_bad_input(client, site, user):
    client.force_login(user)
    response = client.post(
        "/konto/profil/",
        {"first_name": "Amal", "last_name": "Haddad", "phone": "", "preferred_language": "ar"},
        **HOST,
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "ar"
    response = client.post(
        "/konto/profil/",
        {"first_name": "x" * 200, "last_name": "H", "preferred_language": "de"},
        **HOST,
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name == "Amal" and user.preferred_language == "ar"


def test_account_deletion_needs_password_and_confirmation(client, site, user):
    client.force_login(user)
    response = client.post("/konto/loeschen/", {"password": "falsch", "confirm": "on"}, **HOST)
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post("/konto/loeschen/", {"password": PASSWORD}, **HOST)
    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post("/konto/loeschen/", {"password": PASSWORD, "confirm": "on"}, **HOST)
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not client.get("/konto/", **HOST).wsgi_request.user.is_authenticated


def test_account_pages_need_login(client, site):
    for path in ["/konto/", "/konto/profil/", "/konto/loeschen/"]:
        response = client.get(path, **HOST)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
