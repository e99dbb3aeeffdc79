"""Offers by mail, the first acceptance wins (race-safe), no double booking, escalation."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from plugins.interpreters import services
from plugins.interpreters.models import Assignment, Offer, Request
from plugins.interpreters.services import Outcome

from .conftest import at

pytestmark = pytest.mark.django_db


def soon(days=7, hour=10):
    day = timezone.localdate() + dt.timedelta(days=days)
    return at(day.year, day.month, day.day, hour)


def new_request(make_request, django_capture_on_commit_callbacks, **fields):
    request = Request(
        site=fields.pop("site", None) or make_request().site,
        requester=fields.pop("requester", None),
        language=fields.pop("language", "tir"),
        starts_at=fields.pop("starts_at", soon()),
        duration_minutes=60,
        mode="on_site",
        place="Jobcenter Beckum, Raum 12",
        topic="authorities",
        **fields,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.create_request(request)
    return request


def tokens_in(message) -> list[str]:
    return re.findall(r"/angebot/([A-Za-z0-9_:.-]+)/", message.body)


def test_offer_mails_in_each_mediators_language_with_a_link(
    make_mediator, make_request, people, django_capture_on_commit_callbacks
):
    make_mediator(first_name="Tesfay", preferred_language="en", email="tesfay@example.org")
    make_mediator(first_name="Selam", preferred_language="ar", email="selam@example.org")
    mail.outbox.clear()
    request = new_request(
        make_request, django_capture_on_commit_callbacks, requester=people["requester"]
    )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"tesfay@example.org", "selam@example.org"}
    english = by_address["tesfay@example.org"]
    assert english.subject.startswith("Can you interpret ")
    assert "Jobcenter" not in english.body  # the place only after acceptance
    assert "http://beckum.test/en/dolmetschen/angebot/" in english.body
    arabic = by_address["selam@example.org"]
    assert "/ar/dolmetschen/angebot/" in arabic.body
    assert set(Offer.objects.filter(request=request).values_list("status", flat=True)) == {"sent"}


def test_first_acceptance_wins_and_the_others_are_told(
    make_mediator, make_request, people, django_capture_on_commit_callbacks
):
    for name in ("A", "B", "C"):
        make_mediator(first_name=name, email=f"{name.lower()}@example.org")
    request = new_request(
        make_request, django_capture_on_commit_callbacks, requester=people["requester"]
    )
    offers = list(request.offers.order_by("rank"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accept(offers[1].token) is Outcome.ACCEPTED
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accept(offers[0].token) is Outcome.TAKEN
    assert services.accept(offers[1].token) is Outcome.ALREADY_YOURS
    request.refresh_from_db()
    assert request.status == Request.Status.ASSIGNED
    assert request.assignment.mediator == offers[1].mediator
    sent = {m.to[0]: m for m in mail.outbox}
    # the winner gets the place, the requester the winner's first name and contact,
    # the two others a polite "taken"
    assert "Jobcenter Beckum, Raum 12" in sent["b@example.org"].body
    assert (
        "B will interpret" in sent["beratung@example.org"].body
        or "B " in sent["beratung@example.org"].body
    )
    assert "b@example.org" in sent["beratung@example.org"].body
    assert "Pool" not in sent["beratung@example.org"].body  # first name only
    assert set(sent) == {"a@example.org", "b@example.org", "c@example.org", "beratung@example.org"}
    assert Offer.objects.get(pk=offers[2].pk).status == Offer.Status.TAKEN


def test_no_double_booking_of_a_mediator(
    make_mediator, make_request, people, django_capture_on_commit_callbacks
):
    make_mediator(first_name="Only")
    first = new_request(make_request, django_capture_on_commit_callbacks, starts_at=soon(hour=9))
    second = new_request(
        make_request,
        django_capture_on_commit_callbacks,
        starts_at=soon(hour=9) + dt.timedelta(minutes=70),
    )
    one, two = first.offers.get(), second.offers.get()
    assert services.accept(one.token) is Outcome.ACCEPTED
    # 10:10 starts within the travel buffer after 9:00-10:00 on site
    assert services.accept(two.token) is Outcome.BUSY
    assert Assignment.objects.count() == 1
    assert Request.objects.get(pk=second.pk).status == Request.Status.OPEN


def test_in_turn_declined_goes_to_the_next_then_escalates(
    make_mediator, make_request, people, django_capture_on_commit_callbacks
):
    make_mediator(first_name="First", level=3)
    make_mediator(first_name="Second", level=2)
    request = new_request(
        make_request,
        django_capture_on_commit_callbacks,
        offer_mode="in_turn",
        starts_at=soon(days=10),
    )
    first = request.offers.get()
    assert first.mediator.user.first_name == "First"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decline(first.token) is Outcome.DECLINED
    second = request.offers.exclude(pk=first.pk).get()
    assert second.mediator.user.first_name == "Second"
    assert second.status == Offer.Status.SENT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(second.token)
    request.refresh_from_db()
    assert request.status == Request.Status.ESCALATED
    assert [m.to[0] for m in mail.outbox] == ["integration@example.org"]
    # an escalated request can still be taken by a late click
    assert services.accept(first.token) is Outcome.CLOSED


def test_short_notice_goes_to_everyone_fitting(
    make_mediator, make_request, people, django_capture_on_commit_callbacks, settings
):
    for _ in range(7):
        make_mediator()
    # "short notice" is a setting: here three weeks, so a request in ten days is short
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "interpreters": {"SHORT_NOTICE_HOURS": 504},
    }
    request = new_request(
        make_request, django_capture_on_commit_callbacks, offer_mode="in_turn", starts_at=soon(10)
    )
    assert request.offers.count() == 7


def test_all_at_once_is_limited_to_offer_count(
    make_mediator, make_request, people, django_capture_on_commit_callbacks
):
    for _ in range(7):
        make_mediator()
    request = new_request(make_request, django_capture_on_commit_callbacks)
    assert request.offers.count() == 5


def test_forged_and_cancelled(
    make_mediator, make_request, people, django_capture_on_commit_callbacks
):
    make_mediator()
    request = new_request(make_request, django_capture_on_commit_callbacks)
    with pytest.raises(services.TokenError):
        services.accept("forged-token")
    offer = request.offers.get()
    services.cancel(request)
    assert services.accept(offer.token) is Outcome.CLOSED
    assert not Assignment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_mediators_accept_at_the_same_moment(make_mediator, make_request, people):
    """PostgreSQL, 20 threads with their own connections: exactly one assignment."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    mediators = [make_mediator() for _ in range(20)]
    request = make_request(starts_at=soon())
    offers = [
        Offer.objects.create(request=request, mediator=m, rank=i, status=Offer.Status.SENT)
        for i, m in enumerate(mediators)
    ]
    barrier = threading.Barrier(20)
    outcomes: list = []

    def click(token):
        try:
            barrier.wait()
            outcomes.append(services.accept(token))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(o.token,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(Outcome.ACCEPTED) == 1
    assert outcomes.count(Outcome.TAKEN) == 19
    assert Assignment.objects.filter(request=request).count() == 1
    statuses = list(Offer.objects.filter(request=request).values_list("status", flat=True))
    assert statuses.count("accepted") == 1 and statuses.count("taken") == 19
