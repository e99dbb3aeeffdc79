"""Named pool coordinators: the town's manager names network members on the pool's
coordinator page; they get the coordinator views and mails of that town's pool and nothing
else of the manager's rights; the other town and a removed coordinator get none of it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from plugins.interpreters import access, services
from plugins.interpreters.models import Assignment, PoolCoordinator, Request
from treffpunkt.accounts import roles

from .conftest import at

pytestmark = pytest.mark.django_db
BECKUM, BORKEN = "beckum.test", "borken.test"


def url(name, *args) -> str:
    return reverse(f"plugins:interpreters:{name}", args=args)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fresh(user):
    """The user as a new request loads them (no cached roles)."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def pool(people, make_request, make_mediator, make_user, roles, other_site):
    """A Beckum request of the requester (assigned, in the past: hours to confirm), the
    colleague (a network member, not a manager) to be named, a Borken member with a Borken
    request."""
    mediator = make_mediator(first_name="Selam", email="selam@example.org")
    assigned = make_request(starts_at=at(2026, 11, 12, 9), status=Request.Status.ASSIGNED)
    row = Assignment.objects.create(
        request=assigned, mediator=mediator, starts_at=assigned.starts_at, ends_at=assigned.ends_at
    )
    open_request = make_request(starts_at=at(2027, 1, 14, 10), language="ara")
    borken_member = make_user("borken-member@example.org", first_name="Bea", last_name="Borken")
    borken_member.groups.add(roles[1].members)
    borken_request = make_request(
        site=other_site, requester=borken_member, place="Rathaus Borken", language="ara"
    )
    return {
        "assignment": row,
        "open": open_request,
        "borken_request": borken_request,
        "borken_member": borken_member,
    }


def name(manager, person, host=BECKUM):
    return logged_in(manager).post(url("coordinators"), {"user": person.pk}, HTTP_HOST=host)


def test_the_manager_names_a_coordinator_who_gets_the_coordinator_views(people, pool):
    colleague = people["colleague"]
    requests_page = logged_in(colleague).get(url("requests"), HTTP_HOST=BECKUM)
    assert "Jobcenter" not in requests_page.text
    assert logged_in(colleague).get(
        url("request", pool["open"].pk), HTTP_HOST=BECKUM
    ).status_code == (404)

    page = logged_in(people["manager"]).get(url("coordinators"), HTTP_HOST=BECKUM)
    assert page.status_code == 200 and "Kira Kollegin &lt;kollegin@example.org&gt;" in page.text
    response = name(people["manager"], colleague)
    assert response.status_code == 302
    named = PoolCoordinator.objects.get(site__hostname=BECKUM, user=colleague)
    assert named.named_by == people["manager"]
    page = logged_in(people["manager"]).get(url("coordinators"), HTTP_HOST=BECKUM)
    assert "Kira Kollegin" in page.content.decode().split('id="pool-coordinators"')[1]

    coordinator = logged_in(colleague)
    listing = coordinator.get(url("requests"), HTTP_HOST=BECKUM)
    assert listing.status_code == 200
    assert f"/dolmetschen/anfrage/{pool['open'].pk}/" in listing.text
    assert "Rana Beratung" in listing.text  # the requester column of coordinators
    detail = coordinator.get(url("request", pool["open"].pk), HTTP_HOST=BECKUM)
    assert detail.status_code == 200 and detail.context["coordinator"] is True
    assert detail.context["candidates"] == []  # the coordinator's view of who fits
    # the statement of the assignment's mediator, and confirming the hours
    statement = url("mediator_statement", pool["assignment"].mediator_id, 2026, 11)
    assert coordinator.get(statement, HTTP_HOST=BECKUM).status_code == 200
    coordinator.post(
        url("request_hours", pool["assignment"].request_id), {"minutes": "75"}, HTTP_HOST=BECKUM
    )
    pool["assignment"].refresh_from_db()
    assert pool["assignment"].confirmed_minutes == 75
    # a coordinator may cancel any request of the town
    coordinator.post(url("request_cancel", pool["open"].pk), HTTP_HOST=BECKUM)
    pool["open"].refresh_from_db()
    assert pool["open"].status == Request.Status.CANCELLED


def test_a_coordinator_gets_nothing_else_of_the_managers_rights(people, pool):
    colleague = people["colleague"]
    name(people["manager"], colleague)
    coordinator = logged_in(colleague)
    assert not roles.is_manager(fresh(colleague), pool["open"].site)
    # naming or removing coordinators stays with the managers
    assert coordinator.get(url("coordinators"), HTTP_HOST=BECKUM).status_code == 403
    assert (
        coordinator.post(url("coordinators"), {"user": people["requester"].pk}, HTTP_HOST=BECKUM)
    ).status_code == 403
    own = PoolCoordinator.objects.get(user=colleague)
    assert coordinator.post(url("coordinator_remove", own.pk), HTTP_HOST=BECKUM).status_code == 403
    assert PoolCoordinator.objects.filter(pk=own.pk).exists()
    assert PoolCoordinator.objects.filter(user=people["requester"]).count() == 0
    # the Wagtail admin (the pool's admin lists too) stays closed
    for path in ("/admin/", "/admin/interpreters/requests/", "/admin/interpreters/mediators/"):
        response = coordinator.get(path, HTTP_HOST=BECKUM)
        assert response.status_code in (302, 403), path
        assert "Jobcenter" not in response.content.decode()
    # the requests page offers the coordinator page to managers only
    assert url("coordinators") not in coordinator.get(url("requests"), HTTP_HOST=BECKUM).text
    manager_listing = logged_in(people["manager"]).get(url("requests"), HTTP_HOST=BECKUM)
    assert url("coordinators") in manager_listing.text


def test_the_other_town_gets_nothing(people, pool, roles, other_site):
    colleague = people["colleague"]
    name(people["manager"], colleague)
    coordinator = logged_in(colleague)
    # Beckum's coordinator in Borken: not a member there, nothing to see
    assert coordinator.get(url("requests"), HTTP_HOST=BORKEN).status_code == 403
    assert (
        coordinator.get(url("request", pool["borken_request"].pk), HTTP_HOST=BORKEN).status_code
        == 403
    )
    # and Borken's requests never show under Beckum
    assert (
        coordinator.get(url("request", pool["borken_request"].pk), HTTP_HOST=BECKUM).status_code
        == 404
    )
    assert "Rathaus Borken" not in coordinator.get(url("requests"), HTTP_HOST=BECKUM).text
    # Borken's manager cannot name or remove Beckum's coordinators, nor see them
    other = logged_in(people["other_manager"])
    assert other.get(url("coordinators"), HTTP_HOST=BECKUM).status_code == 403
    own = PoolCoordinator.objects.get(user=colleague)
    assert other.post(url("coordinator_remove", own.pk), HTTP_HOST=BORKEN).status_code == 404
    assert PoolCoordinator.objects.filter(pk=own.pk).exists()
    borken_page = other.get(url("coordinators"), HTTP_HOST=BORKEN)
    assert borken_page.status_code == 200 and "Kira Kollegin" not in borken_page.text
    # a Beckum person is no choice in Borken, a Borken person none in Beckum
    assert name(people["other_manager"], colleague, host=BORKEN).status_code == 400
    assert name(people["manager"], pool["borken_member"]).status_code == 400
    assert name(people["manager"], people["outsider"]).status_code == 400
    assert name(people["manager"], people["colleague"]).status_code == 400  # already named
    assert (
        logged_in(people["manager"])
        .post(url("coordinators"), {"user": "x'; --"}, HTTP_HOST=BECKUM)
        .status_code
        == 400
    )
    assert PoolCoordinator.objects.count() == 1
    # Borken's named coordinator gets Borken's mails only
    name(people["other_manager"], pool["borken_member"], host=BORKEN)
    assert access.is_coordinator(fresh(pool["borken_member"]), other_site)
    assert not access.is_coordinator(fresh(pool["borken_member"]), pool["open"].site)
    assert not access.is_coordinator(fresh(colleague), other_site)
    mail.outbox.clear()
    services.send_notice("escalated", pool["open"].pk)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["integration@example.org", "kollegin@example.org"]
    mail.outbox.clear()
    services.send_notice("escalated", pool["borken_request"].pk)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["borken-member@example.org", "borken@example.org"]


def test_a_removed_coordinator_loses_views_and_mails(people, pool, roles):
    colleague = people["colleague"]
    name(people["manager"], colleague)
    own = PoolCoordinator.objects.get(user=colleague)
    assert logged_in(colleague).get(
        url("request", pool["open"].pk), HTTP_HOST=BECKUM
    ).status_code == (200)
    manager = logged_in(people["manager"])
    assert manager.get(url("coordinator_remove", own.pk), HTTP_HOST=BECKUM).status_code == 405
    assert manager.post(url("coordinator_remove", own.pk), HTTP_HOST=BECKUM).status_code == 302
    assert not PoolCoordinator.objects.filter(pk=own.pk).exists()
    assert manager.post(url("coordinator_remove", own.pk), HTTP_HOST=BECKUM).status_code == 404

    removed = logged_in(colleague)
    assert removed.get(url("request", pool["open"].pk), HTTP_HOST=BECKUM).status_code == 404
    assert "Rana Beratung" not in removed.get(url("requests"), HTTP_HOST=BECKUM).text
    statement = url("mediator_statement", pool["assignment"].mediator_id, 2026, 11)
    assert removed.get(statement, HTTP_HOST=BECKUM).status_code == 404
    assert (
        removed.post(
            url("request_hours", pool["assignment"].request_id),
            {"minutes": "75"},
            HTTP_HOST=BECKUM,
        ).status_code
        == 404
    )
    mail.outbox.clear()
    services.send_notice("escalated", pool["open"].pk)
    assert [m.to for m in mail.outbox] == [["integration@example.org"]]


def test_leaving_the_network_ends_the_coordination(people, pool, roles):
    colleague = people["colleague"]
    name(people["manager"], colleague)
    colleague.groups.remove(roles[0].members)
    assert not access.is_coordinator(fresh(colleague), pool["open"].site)
    assert logged_in(colleague).get(url("requests"), HTTP_HOST=BECKUM).status_code == 403
    mail.outbox.clear()
    services.send_notice("escalated", pool["open"].pk)
    assert [m.to for m in mail.outbox] == [["integration@example.org"]]
    page = logged_in(people["manager"]).get(url("coordinators"), HTTP_HOST=BECKUM)
    assert "nicht mehr im Netzwerk" in page.text


def test_anonymous_is_sent_to_sign_in(pool):
    assert Client().get(url("coordinators"), HTTP_HOST=BECKUM).status_code == 302
    assert Client().post(url("coordinator_remove", 1), HTTP_HOST=BECKUM).status_code == 302
