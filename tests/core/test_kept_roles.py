"""A person's towns and rights are kept in the shared cache (treffpunkt.accounts.roles):
every signed-in page asked them with a query; every change they are read from renews them
at once, and what a change still uncommitted shows is never kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission

from tests.conftest import PASSWORD
from treffpunkt.accounts import roles

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    """As with Redis (every process sees the same generations): the roles are kept."""
    settings.CACHE_SHARED_BY_PROCESSES = True


@pytest.fixture
def person(make_user, site):
    return make_user("mitglied@example.org")


def fresh(person):
    """The person as the next request loads them (a new object, nothing on it yet)."""
    return get_user_model().objects.get(pk=person.pk)


def test_a_members_towns_and_rights_cost_no_query_once_kept(
    person, site, django_assert_num_queries
):
    roles.make_network_member(person, site)
    assert roles.member_site_ids(fresh(person)) == {site.pk}
    user = fresh(person)
    with django_assert_num_queries(0):
        assert roles.member_site_ids(user) == {site.pk}
        assert roles.managed_site_ids(user) == frozenset()
        assert roles.admin_and_page_rights(user) == (False, False)


def test_each_change_of_groups_and_rights_shows_at_once(person, site, other_site):
    assert roles.member_site_ids(fresh(person)) == frozenset()
    roles.make_network_member(person, site)
    assert roles.member_site_ids(fresh(person)) == {site.pk}
    roles.make_manager(person, other_site)
    assert roles.managed_site_ids(fresh(person)) == {other_site.pk}
    assert roles.is_manager(fresh(person), other_site)
    person.groups.remove(roles.ensure_site_roles(other_site).managers)
    assert not roles.is_manager(fresh(person), other_site)

    # a right given to a group the person is in
    admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    members = roles.ensure_site_roles(site).members
    assert roles.admin_and_page_rights(fresh(person)) == (False, False)
    members.permissions.add(admin)
    assert roles.admin_and_page_rights(fresh(person)) == (True, False)
    members.permissions.remove(admin)
    assert roles.admin_and_page_rights(fresh(person)) == (False, False)
    # ... and to the person themselves
    person.user_permissions.add(admin)
    assert roles.admin_and_page_rights(fresh(person)) == (True, False)
    person.user_permissions.clear()
    # a page permission of one of their groups, given and taken
    edit = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    grant = GroupPagePermission.objects.create(group=members, page=site.root_page, permission=edit)
    assert roles.admin_and_page_rights(fresh(person)) == (False, True)
    grant.delete()
    assert roles.admin_and_page_rights(fresh(person)) == (False, False)

    # the person's groups cleared from the group's side
    members.user_set.clear()
    assert roles.member_site_ids(fresh(person)) == frozenset()


def test_a_group_deleted_takes_its_town_with_it(person, site):
    helpers = Group.objects.create(name="Helfende")
    person.groups.add(helpers)
    edit = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group=helpers, page=site.root_page, permission=edit)
    assert roles.admin_and_page_rights(fresh(person)) == (False, True)
    helpers.delete()
    assert roles.admin_and_page_rights(fresh(person)) == (False, False)


def test_a_deleted_persons_roles_never_pass_to_a_new_one(make_user, site):
    """SQLite gives the highest id again once its person is deleted."""
    first = make_user("erste@example.org")
    roles.make_manager(first, site)
    assert roles.is_manager(fresh(first), site)
    pk = first.pk
    first.delete()
    # the same id again, as SQLite may give it
    newcomer = get_user_model().objects.create_user(
        email="neu@example.org", password=PASSWORD, id=pk
    )
    assert not roles.is_manager(fresh(newcomer), site)


def test_what_an_uncommitted_change_shows_is_not_kept(person, site):
    try:
        with transaction.atomic():
            roles.make_manager(person, site)
            assert roles.is_manager(fresh(person), site)  # the change itself sees it
            raise RuntimeError
    except RuntimeError:
        pass
    assert not roles.is_manager(fresh(person), site)


def test_a_change_without_signals_counts_once_announced(person, site):
    """``bulk_create`` sends no signal: code that uses it calls ``roles_changed``."""
    members = roles.ensure_site_roles(site).members
    assert roles.member_site_ids(fresh(person)) == frozenset()
    through = get_user_model().groups.through
    through.objects.bulk_create([through(user_id=person.pk, group_id=members.pk)])
    assert roles.member_site_ids(fresh(person)) == frozenset()  # kept: nothing said
    roles.roles_changed()
    assert roles.member_site_ids(fresh(person)) == {site.pk}


def test_without_a_shared_cache_every_request_reads_them(person, site, settings):
    """Without Redis another process's change (made here without signals) must count at
    the next request: nothing is kept then."""
    settings.CACHE_SHARED_BY_PROCESSES = False
    members = roles.ensure_site_roles(site).members
    assert roles.member_site_ids(fresh(person)) == frozenset()
    through = get_user_model().groups.through
    through.objects.bulk_create([through(user_id=person.pk, group_id=members.pk)])
    assert roles.member_site_ids(fresh(person)) == {site.pk}


def test_a_member_made_manager_is_asked_for_the_second_factor_at_the_next_page(
    client, person, site, settings
):
    """Over requests: the kept roles of a signed-in member do not outlast their promotion."""
    settings.REQUIRE_MFA_FOR_PUBLISHERS = True
    roles.make_network_member(person, site)
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD}, **HOST)
    assert client.get("/konto/", **HOST).status_code == 200
    assert client.get("/konto/", **HOST).status_code == 200  # now from the kept roles
    roles.make_manager(person, site)
    response = client.get("/konto/", **HOST)
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/2fa/totp/activate/")


def test_a_warm_process_asks_the_cache_nothing_for_a_members_roles(
    client, person, site, monkeypatch
):
    """The roles generation is read with the site; the process keeps the roles under it,
    so a member's page does not ask the cache for them."""
    from treffpunkt.core import generations

    roles.make_network_member(person, site)
    client.force_login(person)
    client.get("/", **HOST)
    asked = []
    original = generations.current

    def spy(keys, *also):
        keys = list(keys)
        asked.append((keys, also))
        return original(keys, *also)

    monkeypatch.setattr(generations, "current", spy)
    assert client.get("/", **HOST).status_code == 200
    assert not [call for call in asked if roles.ROLES_GENERATION in call[0]]
    # a change shows at the next page: test_a_member_made_manager_is_asked_for_the_second_...
