"""The pool's pages from the outside: access per town and role, bad input, offer links."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plugins.interpreters.models import Assignment, Offer, Request
from treffpunkt.plugins.models import PluginSettings

from .conftest import at

pytestmark = pytest.mark.django_db
BECKUM, BORKEN = "beckum.test", "borken.test"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name, *args) -> str:
    return reverse(f"plugins:interpreters:{name}", args=args)


def next_week(hour=10):
    day = timezone.localdate() + dt.timedelta(days=7)
    return day, at(day.year, day.month, day.day, hour)


def form_data(**overrides):
    day, _start = next_week()
    data = {
        "language": "tir",
        "dialect": "",
        "day": day.isoformat(),
        "time": "10:00",
        "duration_minutes": "60",
        "mode": "on_site",
        "place": "Jobcenter Beckum, Raum 12",
        "topic": "authorities",
        "preferred_gender": "",
        "organisation": "Caritas",
        "note": "",
        "offer_mode": "all",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("other_manager", 403),
        ("requester", 200),
        ("manager", 200),
    ],
)
def test_request_form_access(people, who, status):
    response = client_for(people.get(who)).get(url("request_new"), HTTP_HOST=BECKUM)
    assert response.status_code == status


def test_a_requester_asks_and_mediators_get_offers(
    people, make_mediator, django_capture_on_commit_callbacks
):
    make_mediator(email="tesfay@example.org", first_name="Tesfay")
    mail.outbox.clear()
    client = client_for(people["requester"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_new"), form_data(), HTTP_HOST=BECKUM)
    assert response.status_code == 302
    created = Request.objects.get()
    assert created.requester == people["requester"]
    assert created.site.hostname == BECKUM
    assert timezone.localtime(created.starts_at).hour == 10
    assert [m.to for m in mail.outbox] == [["tesfay@example.org"]]
    page = client.get(response["Location"], HTTP_HOST=BECKUM)
    assert page.status_code == 200
    assert page.context["req"] == created and "Jobcenter Beckum, Raum 12" in page.text


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"language": ""}, "language"),
        ({"language": "xxx"}, "language"),
        ({"day": "2020-01-01"}, "day"),
        ({"day": "morgen"}, "day"),
        ({"day": (timezone.localdate() + dt.timedelta(days=400)).isoformat()}, "day"),
        ({"duration_minutes": "5"}, "duration_minutes"),
        ({"duration_minutes": "99999999999"}, "duration_minutes"),
        ({"place": ""}, "place"),
        ({"place": "x" * 301}, "place"),
        ({"note": "x" * 501}, "note"),
        ({"mode": "teleport"}, "mode"),
    ],
)
def test_bad_input_changes_nothing(people, make_mediator, overrides, field):
    response = client_for(people["requester"]).post(
        url("request_new"), form_data(**overrides), HTTP_HOST=BECKUM
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Request.objects.exists()


def test_a_time_the_clocks_skip_is_refused(people):
    # 29 March 2026 has no 02:30 in Beckum; the form refuses it (here: next year's 28 March)
    day = dt.date(2027, 3, 28)
    if day - timezone.localdate() > dt.timedelta(days=366):
        pytest.skip("too far ahead for the form")
    response = client_for(people["requester"]).post(
        url("request_new"), form_data(day=day.isoformat(), time="02:30"), HTTP_HOST=BECKUM
    )
    assert response.status_code == 400
    assert "time" in response.context["form"].errors


def test_requests_are_seen_by_their_requester_and_the_towns_coordinators(
    people, make_request, site
):
    own = make_request()
    for who, status in [
        ("requester", 200),
        ("manager", 200),
        ("colleague", 404),
        ("other_manager", 403),
        ("outsider", 403),
    ]:
        response = client_for(people[who]).get(url("request", own.pk), HTTP_HOST=BECKUM)
        assert response.status_code == status, who
    # the other town's manager on the other town's host name: not found there either
    response = client_for(people["other_manager"]).get(url("request", own.pk), HTTP_HOST=BORKEN)
    assert response.status_code == 404
    listing = client_for(people["colleague"]).get(url("requests"), HTTP_HOST=BECKUM)
    assert "Jobcenter" not in listing.text and listing.context["requests"].__len__() == 0


def test_the_requester_sees_the_mediators_first_name_and_contact_only(
    people, make_request, make_mediator
):
    mediator = make_mediator(first_name="Tesfay", email="tesfay@example.org")
    request = make_request(status=Request.Status.ASSIGNED)
    Assignment.objects.create(
        request=request, mediator=mediator, starts_at=request.starts_at, ends_at=request.ends_at
    )
    page = client_for(people["requester"]).get(url("request", request.pk), HTTP_HOST=BECKUM)
    assert "Tesfay" in page.text and "tesfay@example.org" in page.text
    assert "Pool" not in page.text.split('id="assigned-mediator"')[1].split("</section>")[0]


def test_offer_link_get_shows_post_answers(people, make_request, make_mediator):
    mediator = make_mediator()
    request = make_request()
    offer = Offer.objects.create(request=request, mediator=mediator, status=Offer.Status.SENT)
    anonymous = Client()
    shown = anonymous.get(url("offer", offer.token), HTTP_HOST=BECKUM)
    assert shown.status_code == 200
    assert "Jobcenter" not in shown.text  # the place after acceptance only
    assert not Assignment.objects.exists()  # a GET (a mail scanner) changes nothing
    bad = anonymous.post(url("offer", offer.token), {"answer": "maybe"}, HTTP_HOST=BECKUM)
    assert bad.status_code == 400 and not Assignment.objects.exists()
    taken = anonymous.post(url("offer", offer.token), {"answer": "accept"}, HTTP_HOST=BECKUM)
    assert taken.status_code == 200
    assert "Jobcenter Beckum, Raum 12" in taken.text
    assert Assignment.objects.get().mediator == mediator


def test_forged_foreign_and_other_town_offer_links(people, make_request, make_mediator, other_site):
    offer = Offer.objects.create(
        request=make_request(), mediator=make_mediator(), status=Offer.Status.SENT
    )
    client = Client()
    for token in ("forged", "x" * 100, offer.token[:-1]):
        assert client.get(url("offer", token), HTTP_HOST=BECKUM).status_code == 404
        assert (
            client.post(url("offer", token), {"answer": "accept"}, HTTP_HOST=BECKUM).status_code
            == 404
        )
    too_long = "/dolmetschen/angebot/" + "x" * 101 + "/"
    assert client.get(too_long, HTTP_HOST=BECKUM).status_code == 404
    assert client.get("/dolmetschen/angebot/a%00b/", HTTP_HOST=BECKUM).status_code in (400, 404)
    # the right token on the other town's host name is not found there
    assert client.get(url("offer", offer.token), HTTP_HOST=BORKEN).status_code == 404
    assert (
        client.post(url("offer", offer.token), {"answer": "accept"}, HTTP_HOST=BORKEN).status_code
        == 404
    )
    assert not Assignment.objects.exists()


def test_switched_off_for_a_town(people, site):
    PluginSettings.set_enabled(site, "interpreters", False)
    response = client_for(people["requester"]).get(url("request_new"), HTTP_HOST=BECKUM)
    assert response.status_code == 404


def test_a_mediator_sees_their_own_assignments_only(people, make_request, make_mediator):
    mine, other = make_mediator(email="mine@example.org"), make_mediator()
    first, second = (
        make_request(place="Ort A"),
        make_request(starts_at=at(2026, 12, 11, 9), place="Ort B"),
    )
    Assignment.objects.create(
        request=first, mediator=mine, starts_at=first.starts_at, ends_at=first.ends_at
    )
    Assignment.objects.create(
        request=second, mediator=other, starts_at=second.starts_at, ends_at=second.ends_at
    )
    page = client_for(mine.user).get(url("assignments"), HTTP_HOST=BECKUM)
    assert "Ort A" in page.text and "Ort B" not in page.text
    assert (
        client_for(people["requester"]).get(url("assignments"), HTTP_HOST=BECKUM).status_code == 404
    )
    assert Client().get(url("assignments"), HTTP_HOST=BECKUM).status_code == 302


def test_the_admin_never_adds_an_assignment_beside_an_acceptance(
    people, make_request, make_mediator
):
    """Assignments come from accepted offers only; the admin corrects hours, nothing else."""
    from django.urls import reverse as admin_reverse

    manager = client_for(people["manager"])
    add = admin_reverse("interpreters-assignments:add")
    assert manager.get(add, HTTP_HOST=BECKUM).status_code in (302, 403)
    assert manager.post(add, {}, HTTP_HOST=BECKUM).status_code in (302, 403)
    assert not Assignment.objects.exists()
    listing = manager.get(admin_reverse("interpreters-assignments:index"), HTTP_HOST=BECKUM)
    assert listing.status_code == 200 and f'href="{add}"' not in listing.text
    request, mediator = make_request(), make_mediator()
    assignment = Assignment.objects.create(
        request=request, mediator=mediator, starts_at=request.starts_at, ends_at=request.ends_at
    )
    edit = admin_reverse("interpreters-assignments:edit", args=[assignment.pk])
    assert manager.get(edit, HTTP_HOST=BECKUM).status_code == 200


def test_an_assigned_requests_time_cannot_move_in_the_admin(people, make_request, make_mediator):
    """Moving an assigned request would leave the mediator at the old time and skip the
    double-booking check: the admin form refuses it with a message; other fields save."""
    from django.urls import reverse as admin_reverse

    request, mediator = make_request(), make_mediator()
    Assignment.objects.create(
        request=request, mediator=mediator, starts_at=request.starts_at, ends_at=request.ends_at
    )
    request.starts_at = request.starts_at + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as refused:
        request.full_clean()
    assert "cannot change" in str(refused.value) or "nicht mehr ändern" in str(refused.value)
    request.refresh_from_db()
    request.note = "Bitte am Eingang warten."
    request.full_clean()  # the time unchanged: fine
    manager = client_for(people["manager"])
    for view in ("edit", "delete"):  # the object is not taken for the HTTP request
        page = admin_reverse(f"interpreters-requests:{view}", args=[request.pk])
        assert manager.get(page, HTTP_HOST=BECKUM).status_code == 200


def test_the_admin_forms_of_the_pool_open_for_the_towns_manager(people, make_mediator):
    from django.urls import reverse as admin_reverse

    mediator = make_mediator()
    manager, other = client_for(people["manager"]), client_for(people["other_manager"])
    for name, args in (
        ("interpreters-mediators:index", []),
        ("interpreters-mediators:add", []),
        ("interpreters-mediators:edit", [mediator.pk]),
        ("interpreters-requests:index", []),
        ("interpreters-requests:add", []),
        ("interpreters-assignments:index", []),
    ):
        assert manager.get(admin_reverse(name, args=args), HTTP_HOST=BECKUM).status_code == 200
    edit = admin_reverse("interpreters-mediators:edit", args=[mediator.pk])
    assert other.get(edit, HTTP_HOST=BORKEN).status_code == 404
