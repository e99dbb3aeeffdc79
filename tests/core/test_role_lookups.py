"""A person's roles are read in few queries and give the same answers as the rules they
stand for: both role sets in one query, the admin permission and page rights in one more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from treffpunkt.accounts import roles

pytestmark = pytest.mark.django_db


def _fresh(user):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user.pk)


def test_both_role_sets_come_from_one_query(site, other_site, make_user):
    person = make_user("person@example.org")
    roles.ensure_site_roles(site).managers.user_set.add(person)
    roles.ensure_site_roles(other_site).members.user_set.add(person)
    person = _fresh(person)
    with CaptureQueriesContext(connection) as queries:
        managed, members = roles.managed_site_ids(person), roles.member_site_ids(person)
        assert roles.is_manager(person, site) and not roles.is_manager(person, other_site)
        assert roles.is_network_member(person, other_site)
    assert len(queries.captured_queries) == 1
    # a manager belongs to the network they manage
    assert (managed, members) == ({site.pk}, {site.pk, other_site.pk})

    nobody = _fresh(make_user("nobody@example.org"))
    assert (roles.managed_site_ids(nobody), roles.member_site_ids(nobody)) == (set(), set())
    roles.ensure_site_roles(other_site).members.user_set.add(nobody)
    roles.forget(nobody)
    assert roles.member_site_ids(nobody) == {other_site.pk}
    assert roles.managed_site_ids(nobody) == set()


def test_admin_and_page_rights_as_the_permission_backend_reads_them(site, make_user):
    from wagtail.models import GroupPagePermission

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    plain = _fresh(make_user("plain@example.org"))
    direct = make_user("direct@example.org")
    direct.user_permissions.add(access_admin)
    via_group = make_user("group@example.org")
    editors = Group.objects.create(name="Redaktion")
    editors.permissions.add(access_admin)
    via_group.groups.add(editors)
    pages_only = make_user("pages@example.org")
    page_group = Group.objects.create(name="Seiten")
    GroupPagePermission.objects.create(
        group=page_group,
        page=site.root_page,
        permission=Permission.objects.get(codename="change_page"),
    )
    pages_only.groups.add(page_group)
    superuser = make_user("root@example.org", is_superuser=True)

    for person, expected in [
        (plain, (False, False)),
        (direct, (True, False)),
        (via_group, (True, False)),
        (pages_only, (False, True)),
        (superuser, (True, True)),
    ]:
        person = _fresh(person)
        with CaptureQueriesContext(connection) as queries:
            assert roles.admin_and_page_rights(person) == expected, person.email
            assert roles.admin_and_page_rights(person) == expected  # kept on the object
        assert len(queries.captured_queries) <= 1
        assert _fresh(person).has_perm("wagtailadmin.access_admin") == expected[0]
