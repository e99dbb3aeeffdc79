"""Coordinators moderate their group's chat room (delete anyone's message, mute people, read
reports): like managers they reach nothing before *this session* passed the second factor,
over HTTP and over the websocket. Plain members chat with their password alone."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.test import Client

from networks.models import Membership
from tests.conftest import PASSWORD

from .conftest import join, make_working_group
from .test_websocket_security import _cookie, _handshake

HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = True


def _sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HOST)
    assert response.status_code == 302
    return client


def _paths(room) -> list[str]:
    return ["/chat/", f"/chat/{room.pk}/", f"/chat/{room.pk}/mute/", "/konto/"]


@pytest.mark.django_db
def test_a_coordinator_sets_up_totp_before_moderating(group_room, coordinator, group_member):
    client = _sign_in(coordinator)
    for path in _paths(group_room):
        response = client.get(path, **HOST)
        assert response.status_code == 302, path
        assert response["Location"].endswith("/accounts/2fa/totp/activate/"), path
    told = client.get(f"/chat/{group_room.pk}/", follow=True, **HOST).content.decode()
    assert "Sie moderieren einen Chatraum" in told

    # the password again, then a code from the new authenticator
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD}, **HOST)
    assert response.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/", **HOST)
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(iter(counters()))))
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}, **HOST).status_code == 302
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()
    for path in _paths(group_room):
        assert client.get(path, **HOST).status_code == 200, path

    # a plain member of the same room needs no second factor
    member = _sign_in(group_member)
    assert member.get(f"/chat/{group_room.pk}/", **HOST).status_code == 200


@pytest.mark.django_db
def test_only_coordinators_of_a_group_with_a_room_need_it(site, make_user, group_room):
    """The rule follows the role: a coordinator of a group without a chat room, or one who
    stepped down to member, signs in with the password alone."""
    other = make_working_group(site, "AG Sport")
    person = make_user("sport@example.org")
    join(person, other, Membership.Role.COORDINATOR)
    assert _sign_in(person).get("/konto/", **HOST).status_code == 200

    membership = join(person, group_room.page, Membership.Role.COORDINATOR)
    assert _sign_in(person).get("/konto/", **HOST).status_code == 302
    membership.role = Membership.Role.MEMBER
    membership.save()
    assert _sign_in(person).get(f"/chat/{group_room.pk}/", **HOST).status_code == 200


@pytest.mark.django_db
def test_with_the_answer_kept_each_change_of_the_role_counts_at_once(
    site, make_user, group_room, settings, django_assert_num_queries
):
    """With Redis the answer is kept per person (every signed-in request asks it): a
    membership or room saved or deleted renews it, and the next page asks for the code."""
    from django.contrib.auth import get_user_model

    from plugins.chat.access import moderates_any
    from plugins.chat.models import Room

    settings.CACHE_SHARED_BY_PROCESSES = True
    person = make_user("sport@example.org")

    def fresh():
        return get_user_model().objects.get(pk=person.pk)

    assert not moderates_any(fresh())
    user = fresh()
    with django_assert_num_queries(0):
        assert not moderates_any(user)
    client = _sign_in(person)
    assert client.get("/konto/", **HOST).status_code == 200
    membership = join(person, group_room.page, Membership.Role.COORDINATOR)
    assert moderates_any(fresh())
    response = client.get("/konto/", **HOST)  # the same session, the next page
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/2fa/totp/activate/")
    membership.role = Membership.Role.MEMBER
    membership.save()
    assert not moderates_any(fresh())
    membership.role = Membership.Role.COORDINATOR
    membership.save()
    assert moderates_any(fresh())
    membership.delete()
    assert not moderates_any(fresh())
    # a room made for a group the person already coordinates
    other = make_working_group(site, "AG Sport")
    join(person, other, Membership.Role.COORDINATOR)
    assert not moderates_any(fresh())
    room = Room.objects.create(site=site, kind=Room.Kind.WORKING_GROUP, page=other, title="Sport")
    assert moderates_any(fresh())
    room.delete()
    assert not moderates_any(fresh())


@pytest.mark.django_db(transaction=True)
def test_a_coordinators_socket_needs_the_second_factor(
    asgi_server, group_room, coordinator, group_member
):
    port = asgi_server.rsplit(":", 1)[1]
    url = f"ws://localhost:{port}/ws/chat/rooms/{group_room.pk}/"
    origin = f"http://localhost:{port}"
    assert _handshake(url, _cookie(coordinator, second_factor=False), origin) == "refused 403"
    assert _handshake(url, _cookie(coordinator, second_factor=True), origin) == "hello"
    assert _handshake(url, _cookie(group_member, second_factor=False), origin) == "hello"
