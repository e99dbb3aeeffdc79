"""The periodic job (``manage.py interpreters_housekeeping``, run by the scheduler role):
unanswered offers in turn passed on, overdue requests escalated, failed offer mails sent
again, old requests anonymised. The tests run the command itself."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from plugins.interpreters import services, statement
from plugins.interpreters.models import Assignment, Offer, Request
from plugins.interpreters.services import Outcome

from .test_services import new_request, soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_job(django_capture_on_commit_callbacks):
    def _run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("interpreters_housekeeping", stdout=io.StringIO())

    return _run


def age(offer: Offer, hours: float) -> None:
    Offer.objects.filter(pk=offer.pk).update(sent_at=timezone.now() - dt.timedelta(hours=hours))


def test_the_scheduler_runs_the_job():
    assert django_settings.PERIODIC_JOBS["interpreters_housekeeping"] <= 3600


def test_an_unanswered_offer_in_turn_goes_to_the_next_then_to_the_coordinators(
    make_mediator, make_request, people, django_capture_on_commit_callbacks, run_job
):
    make_mediator(first_name="First", level=3, email="first@example.org")
    make_mediator(first_name="Second", level=2, email="second@example.org")
    request = new_request(
        make_request, django_capture_on_commit_callbacks, offer_mode="in_turn", starts_at=soon(10)
    )
    first = request.offers.get()
    assert first.mediator.user.first_name == "First"

    # within the turn (4 hours): nothing happens
    age(first, 3)
    mail.outbox.clear()
    run_job()
    assert request.offers.count() == 1 and mail.outbox == []

    # the turn passed unanswered: the next one is asked, by mail
    age(first, 5)
    run_job()
    second = request.offers.exclude(pk=first.pk).get()
    assert second.mediator.user.first_name == "Second"
    assert second.status == Offer.Status.SENT
    assert [m.to[0] for m in mail.outbox] == ["second@example.org"]
    # the first offer stays open: a late "yes" would still win
    assert Offer.objects.get(pk=first.pk).status == Offer.Status.SENT

    # run again within the second turn: nobody new, nothing escalated
    mail.outbox.clear()
    run_job()
    assert request.offers.count() == 2 and mail.outbox == []
    assert Request.objects.get(pk=request.pk).status == Request.Status.OPEN

    # the second turn passed too and nobody is left: the coordinators are told
    age(second, 5)
    run_job()
    request.refresh_from_db()
    assert request.status == Request.Status.ESCALATED
    assert [m.to[0] for m in mail.outbox] == ["integration@example.org"]
    mail.outbox.clear()
    run_job()
    assert mail.outbox == []  # told once
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accept(second.token) is Outcome.ACCEPTED


def test_answer_by_passed_escalates_once(
    make_mediator, make_request, people, django_capture_on_commit_callbacks, run_job
):
    for _ in range(2):
        make_mediator()
    request = new_request(make_request, django_capture_on_commit_callbacks, starts_at=soon(5))
    assert request.offers.count() == 2
    mail.outbox.clear()
    run_job()
    assert Request.objects.get(pk=request.pk).status == Request.Status.OPEN
    assert mail.outbox == []

    Request.objects.filter(pk=request.pk).update(answer_by=timezone.now() - dt.timedelta(minutes=1))
    run_job()
    assert Request.objects.get(pk=request.pk).status == Request.Status.ESCALATED
    assert [m.to[0] for m in mail.outbox] == ["integration@example.org"]
    mail.outbox.clear()
    run_job()
    assert mail.outbox == []
    # an escalated request is still taken by the first mediator who accepts
    offer = request.offers.first()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accept(offer.token) is Outcome.ACCEPTED


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_offer_whose_mail_failed_is_sent_again(
    make_mediator, make_request, people, django_capture_on_commit_callbacks, run_job, settings
):
    make_mediator(email="tesfay@example.org", preferred_language="en")
    make_mediator(email="selam@example.org")
    # the mail server is down: a real SMTP connection to a port nobody listens on
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    request = new_request(make_request, django_capture_on_commit_callbacks)
    assert set(request.offers.values_list("status", flat=True)) == {"waiting"}
    run_job()  # still down: nothing lost, still waiting
    assert set(request.offers.values_list("status", flat=True)) == {"waiting"}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    run_job()
    assert sorted(m.to[0] for m in mail.outbox) == ["selam@example.org", "tesfay@example.org"]
    assert set(request.offers.values_list("status", flat=True)) == {"sent"}
    mail.outbox.clear()
    run_job()
    assert mail.outbox == []  # sent once, never repeated


def test_failed_offer_of_a_cancelled_request_is_not_sent(
    make_mediator, make_request, people, django_capture_on_commit_callbacks, run_job
):
    mediator = make_mediator()
    request = make_request(starts_at=soon(5))
    Offer.objects.create(request=request, mediator=mediator, rank=1)
    services.cancel(request)
    mail.outbox.clear()
    run_job()
    assert mail.outbox == []


def test_old_requests_are_anonymised_and_the_hours_stay(
    make_mediator, make_request, people, run_job, client
):
    mediator = make_mediator()
    now = timezone.now()
    old = make_request(
        starts_at=now - dt.timedelta(days=91), note="Termin wegen Aufenthalt", dialect="Asmara"
    )
    recent = make_request(starts_at=now - dt.timedelta(days=89), note="bleibt")
    offer = Offer.objects.create(request=old, mediator=mediator, status="accepted")
    for req in (old, recent):
        Request.objects.filter(pk=req.pk).update(status=Request.Status.DONE)
        Assignment.objects.create(
            request=req,
            mediator=mediator,
            starts_at=req.starts_at,
            ends_at=req.ends_at,
            confirmed_minutes=75,
            travel_km=4,
            confirmed_at=req.starts_at,
        )
    run_job()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.requester, old.place, old.note, old.organisation) == (None, "", "", "")
    assert (old.language, old.topic, old.duration_minutes) == ("tir", "authorities", 60)
    assert not Offer.objects.filter(pk=offer.pk).exists()
    assert (
        client.get(f"/dolmetschen/angebot/{offer.token}/", HTTP_HOST="beckum.test").status_code
        == 404
    )
    assert recent.anonymised_at is None and recent.note == "bleibt"
    assert recent.requester == people["requester"]
    # the hours still count in the mediator's statement of that month
    local = timezone.localtime(old.starts_at)
    built = statement.build(mediator, local.year, local.month)
    assert any(line.assignment.request_id == old.pk for line in built.lines)
    assert Assignment.objects.get(request=old).confirmed_minutes == 75
    run_job()
    assert Request.objects.get(pk=old.pk).anonymised_at == old.anonymised_at  # once
