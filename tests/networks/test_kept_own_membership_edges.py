"""A member's own membership on a working group's page, kept per process (issue 15): cases
of the adversarial review of the change (people in turn, every way a membership or a person
ends, rollbacks, translations, managers)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from wagtail.models import Locale

from networks import membership, services
from networks.models import Membership

from .conftest import HOST

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


LEAVE = "Gruppe verlassen"
ASK = "Aufnahme bitten"
ASKED = "Sie haben um Aufnahme gebeten"
REMOVED = "entfernt"
MEMBER = "Mitglied dieser Arbeitsgruppe"


def _section(client, url) -> str:
    response = client.get(url, **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="join-heading"')
    return html[start : html.index("</section>", start)]


def _client(person) -> Client:
    c = Client()
    c.force_login(person)
    return c


def _fresh_status(person, group):
    """What the uncached code says (the process copy forgotten)."""
    membership.forget_all()
    return membership.own_status(person, group)


def test_two_people_alternating_never_see_each_other(network, people):
    member, outsider, coord = (
        _client(people["member"]),
        _client(people["outsider"]),
        _client(people["coordinator"]),
    )
    for _ in range(3):
        assert LEAVE in _section(member, network.group.url)
        s = _section(outsider, network.group.url)
        assert ASK in s and LEAVE not in s
        assert LEAVE in _section(coord, network.group.url)


def test_views_join_withdraw_approve_leave_remove_via_http(network, people):
    outsider = _client(people["outsider"])
    coord = _client(people["coordinator"])
    url = network.group.url
    assert ASK in _section(outsider, url)
    r = outsider.post(url + "beitreten/", {"message": "hallo"}, **HOST)
    assert r.status_code in (302, 303)
    assert ASKED in _section(outsider, url)
    # withdraw
    r = outsider.post(url + "verlassen/", **HOST)
    assert r.status_code in (302, 303), r.status_code
    s = _section(outsider, url)
    assert ASK in s and ASKED not in s
    # ask again, coordinator approves through the service
    outsider.post(url + "beitreten/", {"message": "nochmal"}, **HOST)
    assert ASKED in _section(outsider, url)
    m = Membership.objects.get(user=people["outsider"])
    services.approve(people["coordinator"], network.group, m.pk)
    assert LEAVE in _section(outsider, url)
    services.remove(people["coordinator"], network.group, m.pk)
    s = _section(outsider, url)
    assert REMOVED in s and LEAVE not in s
    assert LEAVE in _section(coord, url)


def test_deleting_the_user_cascade(network, people, make_user):
    member = people["member"]
    assert membership.own_status(member, network.group) == ("active", True)
    c = _client(member)
    assert LEAVE in _section(c, network.group.url)
    pk = member.pk
    member.delete()
    # the same pk can only come back by hand; check the kept copy is gone with the generation
    from django.contrib.auth import get_user_model

    ghost = get_user_model()(pk=pk, email="ghost@example.org", is_active=True)
    assert membership.own_status(ghost, network.group) == (None, False)


def test_bulk_queryset_delete_of_users(network, people):
    from django.contrib.auth import get_user_model

    member = people["member"]
    assert membership.own_status(member, network.group) == ("active", True)
    pk = member.pk
    get_user_model().objects.filter(pk=pk).delete()
    ghost = get_user_model()(pk=pk, email="ghost@example.org", is_active=True)
    assert membership.own_status(ghost, network.group) == (None, False)


def test_deleting_the_group_page(network, people):
    member = people["member"]
    assert membership.own_status(member, network.group) == ("active", True)
    key = network.group.translation_key
    network.group.delete()
    assert not Membership.objects.filter(user=member).exists()
    kept = membership._kept_statuses(member.pk)
    assert str(key) not in kept


def test_account_deleted_signal(network, people):
    from treffpunkt.accounts.personal_data import delete_account

    member = people["member"]
    c = _client(member)
    assert LEAVE in _section(c, network.group.url)
    pk = member.pk
    delete_account(member, network.site)
    from django.contrib.auth import get_user_model

    ghost = get_user_model()(pk=pk, email="ghost@example.org", is_active=True)
    assert membership.own_status(ghost, network.group) == (None, False)


def test_deactivated_user_is_not_a_member(network, people):
    member = people["member"]
    assert membership.own_status(member, network.group) == ("active", True)
    member.is_active = False
    member.save()
    assert membership.own_status(member, network.group) == (None, False)


def test_rollback_of_a_join_inside_a_request_like_block(network, people):
    outsider = people["outsider"]
    assert membership.own_status(outsider, network.group) == (None, False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.request_to_join(outsider, network.group, "")
        assert membership.own_status(outsider, network.group)[0] == "requested"
        raise RuntimeError
    assert membership.own_status(outsider, network.group) == (None, False)


def test_rollback_of_a_savepoint_inside_an_outer_block(network, people):
    outsider = people["outsider"]
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.request_to_join(outsider, network.group, "")
            raise RuntimeError
        # bump pending in the outer block? the inner block rolled back its callbacks
        assert membership.own_status(outsider, network.group) == (None, False)
    assert membership.own_status(outsider, network.group) == (None, False)


def test_translation_and_status_change_through_translation(network, people):
    ar = Locale.objects.get(language_code="ar")
    translation = network.group.copy_for_translation(ar, copy_parents=True).specific
    outsider = people["outsider"]
    assert membership.own_status(outsider, translation) == (None, False)
    services.request_to_join(outsider, translation, "")
    assert membership.own_status(outsider, translation)[0] == "requested"
    assert membership.own_status(outsider, network.group)[0] == "requested"
    services.leave(outsider, translation)
    assert membership.own_status(outsider, network.group)[0] == "left"


def test_manager_counts_as_member_live(network, people):
    staff = people["staff"]
    assert membership.own_status(staff, network.group) == (None, True)
    staff.is_superuser = False
    staff.save()
    assert membership.own_status(staff, network.group)[1] is False
