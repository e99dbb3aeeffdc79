"""Links to the rest: an event's sign-up question "I need interpretation into …" makes one
request per language for the event's date when the sign-up is confirmed (through the core's
``registration_confirmed`` signal); with the plugin off for the town nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override as translation_override

from events import registrations
from events.models import EventIndexPage, EventPage, Question, Registration
from plugins.interpreters import signups
from plugins.interpreters.models import Assignment, Offer, Request
from plugins.interpreters.signups import asks_for_interpretation, languages_in
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db
BECKUM = "beckum.test"
QUESTION = "Ich brauche eine Dolmetscherin / einen Dolmetscher für"


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    # several sign-ups from one test address; an unconfirmed one holds its place
    settings.EVENTS_SIGNUP_RATE_IP = settings.EVENTS_SIGNUP_RATE_EMAIL = (10_000, 3600)
    settings.EVENTS_UNCONFIRMED_SHARE = 1.0
    settings.EVENTS_UNCONFIRMED_MAX_PARTY = 10_000
    settings.EVENTS_HOLDS_PER_IP = settings.EVENTS_HOLDS_PER_EMAIL = (10_000, 3600)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def event(site, people):
    index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=index)
    day = timezone.localdate() + dt.timedelta(days=12)
    start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 15))
    page = EventPage(
        title="Elternabend Grundschule",
        slug="elternabend",
        start=start,
        end=start + dt.timedelta(hours=2),
        location_name="Grundschule Süd",
        address="Schulstraße 1, Beckum",
        registration_enabled=True,
        capacity=40,
        max_party_size=6,
        owner=people["colleague"],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    Question.objects.create(
        event=page, label=QUESTION, kind="choice", choices="Arabisch\nUkrainisch\nFarsi"
    )
    Question.objects.create(event=page, label="Besondere Ernährung", kind="text")
    return EventPage.objects.get(pk=page.pk)


def sign_up(event, email, language="Arabisch", party_size=1, user=None, submission=""):
    answers = {"Besondere Ernährung": "vegetarisch"}
    if language:
        answers[QUESTION] = language
    return registrations.sign_up(
        event,
        email=email,
        party_size=party_size,
        answers=answers,
        user=user,
        submission=submission,
    )


def confirm_by_link(registration) -> int:
    """The visitor's confirmation link, POSTed as the button on its page does."""
    path = reverse("events:confirm", args=[registration.token])
    return Client().post(path, HTTP_HOST=BECKUM).status_code


def test_unit_which_answers_name_languages():
    assert asks_for_interpretation(QUESTION)
    assert asks_for_interpretation("I need interpretation into")
    assert not asks_for_interpretation("Besondere Ernährung")
    assert languages_in("Arabisch") == ["ara"]
    assert languages_in("Farsi") == ["pes"]
    assert languages_in("Ukrainian, Arabic") == ["ukr", "ara"]
    assert languages_in("Kurdisch und Tigrinya") == ["kmr", "tir"]
    assert languages_in("العربية") == ["ara"]
    assert languages_in("Klingonisch") == []
    assert languages_in(True) == [] and languages_in(None) == []


def test_confirmed_sign_ups_make_one_request_per_language(
    event, people, make_mediator, django_capture_on_commit_callbacks
):
    arabic = make_mediator(language="ara", first_name="Samir", email="samir@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        held = sign_up(event, "familie@example.org", party_size=3)
    assert held.status == Registration.Status.HELD
    assert not Request.objects.exists()  # not before the address is confirmed

    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_by_link(held) == 200
    request = Request.objects.get()
    assert (request.language, request.people, request.source) == ("ara", 3, f"event:{event.pk}")
    assert request.starts_at == event.start and request.duration_minutes == 120
    assert request.place == "Grundschule Süd, Schulstraße 1, Beckum"
    assert request.site.hostname == BECKUM and request.requester == people["colleague"]
    assert request.status == Request.Status.OPEN
    # the pool looks for someone: the Arabic mediator got the offer by mail
    assert Offer.objects.filter(request=request, mediator=arabic).exists()
    assert "samir@example.org" in [m.to[0] for m in mail.outbox]

    # a signed-in member's one-click sign-up counts too; the same language, the same request
    with django_capture_on_commit_callbacks(execute=True):
        member = sign_up(
            event,
            people["requester"].email,
            party_size=2,
            user=people["requester"],
            submission="form-1",
        )
    assert member.status == Registration.Status.CONFIRMED
    request.refresh_from_db()
    assert Request.objects.count() == 1 and request.people == 5
    # another language: its own request; no answer: nothing
    with django_capture_on_commit_callbacks(execute=True):
        ukrainian = sign_up(event, "olena@example.org", language="Ukrainisch")
        confirm_by_link(ukrainian)
        plain = sign_up(event, "ohne@example.org", language="")
        confirm_by_link(plain)
    assert sorted(Request.objects.values_list("language", "people")) == [("ara", 5), ("ukr", 1)]
    # the link opened again or the form sent twice: nothing doubles
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_by_link(held) in (200, 410)
        again = sign_up(
            event,
            people["requester"].email,
            party_size=2,
            user=people["requester"],
            submission="form-1",
        )
    assert again.pk == member.pk
    # the signal sent again for the same sign-up (as a stored sign-up found after a lost
    # connection does) counts it once
    signups.sign_up_confirmed(request.site, registration=member, event=event)
    assert sorted(Request.objects.values_list("language", "people")) == [("ara", 5), ("ukr", 1)]


def test_from_the_waiting_list(event, people, django_capture_on_commit_callbacks):
    EventPage.objects.filter(pk=event.pk).update(capacity=1, waiting_list=True)
    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(event, people["requester"].email, language="", user=people["requester"])
        waiting = sign_up(event, people["colleague"].email, user=people["colleague"])
    assert waiting.status == Registration.Status.WAITING
    assert not Request.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        registrations.cancel(first.token)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert Request.objects.get().people == 1


def test_plugin_off_nothing_changes(event, people, site, django_capture_on_commit_callbacks):
    PluginSettings.set_enabled(site, "interpreters", False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        held = sign_up(event, "familie@example.org", party_size=3)
        assert confirm_by_link(held) == 200
    held.refresh_from_db()
    assert held.status == Registration.Status.CONFIRMED
    assert not Request.objects.exists()
    assert [m.to for m in mail.outbox] == [["familie@example.org"], ["familie@example.org"]]


def test_past_events_make_no_request(event, people, site):
    registration = Registration.objects.create(
        event=event,
        kind="visitor",
        status=Registration.Status.CONFIRMED,
        email="spaet@example.org",
        answers={QUESTION: "Arabisch"},
    )
    past = timezone.now() - dt.timedelta(days=1)
    EventPage.objects.filter(pk=event.pk).update(start=past, end=past + dt.timedelta(hours=1))
    event.refresh_from_db()
    signups.sign_up_confirmed(site, registration=registration, event=event)
    assert not Request.objects.exists()


def test_a_failing_queue_does_not_fail_the_confirmation(
    event, people, monkeypatch, django_capture_on_commit_callbacks
):
    """The pool's follow-up runs after the town's commit: when its queue fails (Redis down),
    the visitor's confirmation still answers, and the request is kept for the housekeeping
    job to escalate."""
    from plugins.interpreters import tasks

    class Down:
        @staticmethod
        def enqueue(*args, **kwargs):
            raise ConnectionError("queue unreachable")

    monkeypatch.setattr(tasks, "dispatch_request", Down)
    with django_capture_on_commit_callbacks(execute=True):
        held = sign_up(event, "familie@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_by_link(held) == 200
    held.refresh_from_db()
    assert held.status == Registration.Status.CONFIRMED
    assert Request.objects.get().status == Request.Status.OPEN


def cancel_by_link(registration) -> int:
    """The visitor's cancellation link, POSTed as the button on its page does."""
    path = reverse("events:cancel", args=[registration.token])
    return Client().post(path, HTTP_HOST=BECKUM).status_code


def test_cancelled_sign_ups_are_counted_out(
    event, people, make_mediator, django_capture_on_commit_callbacks
):
    """Cancelling a sign-up lowers the request's number of people; with nobody left the
    request is cancelled and the mediator who had taken it is told, naming the event; a
    new sign-up asking again opens it anew."""
    from plugins.interpreters import services

    samir = make_mediator(language="ara", first_name="Samir", email="samir@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        family = sign_up(event, "familie@example.org", party_size=3)
        assert confirm_by_link(family) == 200
        member = sign_up(event, people["requester"].email, party_size=2, user=people["requester"])
        ukrainian = sign_up(event, "olena@example.org", language="Ukrainisch")
        assert confirm_by_link(ukrainian) == 200
    request = Request.objects.get(language="ara")
    assert request.people == 5

    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_by_link(family) == 200
    request.refresh_from_db()
    assert (request.people, request.status) == (2, Request.Status.OPEN)
    assert Request.objects.get(language="ukr").people == 1  # other languages untouched

    offer = Offer.objects.get(request=request, mediator=samir)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.accept(offer.token) == services.Outcome.ACCEPTED
    mail.outbox.clear()
    # the last one who asked for Arabic cancels with one click while signed in
    client = Client()
    client.force_login(people["requester"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("events:cancel_own", args=[event.pk]), HTTP_HOST=BECKUM)
    assert answer.status_code == 302
    member.refresh_from_db()
    assert member.status == Registration.Status.CANCELLED
    request.refresh_from_db()
    assert request.status == Request.Status.CANCELLED
    assert not Assignment.objects.filter(request=request).exists()
    told = [m for m in mail.outbox if m.to == ["samir@example.org"]]
    assert len(told) == 1
    assert "Elternabend Grundschule" in told[0].body
    assert "Anmeldung zurückgezogen" in told[0].body  # in Samir's language, German
    assert Request.objects.get(language="ukr").status == Request.Status.ESCALATED  # no speaker

    # someone asks for Arabic again: the same request looks for someone from the start
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = sign_up(event, "spaet@example.org", party_size=4)
        assert confirm_by_link(late) == 200
    request.refresh_from_db()
    assert (request.status, request.people) == (Request.Status.OPEN, 4)
    assert Request.objects.filter(language="ara").count() == 1
    assert Offer.objects.get(request=request).status == Offer.Status.SENT
    assert "samir@example.org" in [m.to[0] for m in mail.outbox]
    # the old offer's link no longer works
    assert not Offer.objects.filter(token=offer.token).exists()


def test_an_unassigned_request_with_nobody_left_is_cancelled_quietly(
    event, people, make_mediator, django_capture_on_commit_callbacks
):
    make_mediator(language="ara", email="samir@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        family = sign_up(event, "familie@example.org", party_size=3)
        confirm_by_link(family)
    request = Request.objects.get()
    offer = Offer.objects.get(request=request)
    assert offer.status == Offer.Status.SENT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registrations.cancel(family.token)
    request.refresh_from_db()
    offer.refresh_from_db()
    assert request.status == Request.Status.CANCELLED
    assert offer.status == Offer.Status.WITHDRAWN  # its link answers "no longer open"
    assert [m.to for m in mail.outbox] == [["familie@example.org"]]  # the cancellation only


def test_deleted_account_and_lapsed_holds(event, people, site, django_capture_on_commit_callbacks):
    """A person deleting their account cancels their sign-ups: they are counted out before
    their answers are wiped. A hold that lapses unconfirmed never counted."""
    from events import receivers as event_receivers

    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, people["requester"].email, party_size=2, user=people["requester"])
        sign_up(event, people["colleague"].email, party_size=1, user=people["colleague"])
        lapsing = sign_up(event, "nie@example.org", party_size=5)
    assert Request.objects.get().people == 3
    with django_capture_on_commit_callbacks(execute=True):
        event_receivers.forget_person(
            site, user=people["colleague"], emails=frozenset({people["colleague"].email})
        )
    assert Request.objects.get().people == 2
    # the hold runs out: it is announced as ended, the request keeps its two people
    later = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert registrations.expire_holds(later) == 1
    lapsing.refresh_from_db()
    assert lapsing.status == Registration.Status.EXPIRED
    assert Request.objects.get().people == 2


def test_ended_sign_ups_are_announced(event, people, site, django_capture_on_commit_callbacks):
    """The core's ``registration_ended`` signal: once per sign-up that is cancelled, lapses
    or is declined, with its answers, inside the transaction."""
    from treffpunkt.signals import registration_ended

    heard = []

    def listen(sender, registration, event, **kwargs):
        heard.append((sender.hostname, registration.pk, registration.status, event.pk))
        assert registration.answers.get(QUESTION) in ("Arabisch", None)

    registration_ended.connect(listen, dispatch_uid="test_listen")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = sign_up(event, "eins@example.org")
            confirm_by_link(first)
            lapsing = sign_up(event, "zwei@example.org")
            registrations.cancel(first.token)
        with django_capture_on_commit_callbacks(execute=True):
            registrations.expire_holds(timezone.now() + dt.timedelta(days=3))
    finally:
        registration_ended.disconnect(dispatch_uid="test_listen")
    assert heard == [
        (BECKUM, first.pk, "cancelled", event.pk),
        (BECKUM, lapsing.pk, "expired", event.pk),
    ]


def test_plugin_off_cancelling_changes_nothing(
    event, people, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        family = sign_up(event, "familie@example.org", party_size=3)
        confirm_by_link(family)
    request = Request.objects.get()
    PluginSettings.set_enabled(site, "interpreters", False)
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_by_link(family) == 200
    request.refresh_from_db()
    assert (request.status, request.people) == (Request.Status.ESCALATED, 3)  # nobody speaks it


def test_a_request_from_an_event_says_so(
    event, people, make_mediator, django_capture_on_commit_callbacks
):
    """The coordinator's list, the requester's page, the offer mail and the offer's page
    name the event whose sign-ups asked for it, with a link to it and the number of people;
    a request filled in by hand says nothing of the kind."""
    from plugins.interpreters.models import Request as Req

    make_mediator(language="ara", email="samir@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        family = sign_up(event, "familie@example.org", party_size=3)
        confirm_by_link(family)
    request = Request.objects.get()
    offer_mail = next(m for m in mail.outbox if m.to == ["samir@example.org"])
    assert "Aus den Anmeldungen zu „Elternabend Grundschule“" in offer_mail.body
    assert event.full_url in offer_mail.body
    assert "Personen, die es brauchen: 3" in offer_mail.body
    # a hand-made request of the same town: no event line
    Req.objects.create(
        site=request.site,
        requester=people["requester"],
        language="ara",
        starts_at=request.starts_at,
        place="Jobcenter",
        topic="authorities",
    )
    link = f'Aus den Anmeldungen zu <a href="{event.url}">Elternabend Grundschule</a>'
    manager = Client()
    manager.force_login(people["manager"])
    listing = manager.get(reverse("plugins:interpreters:requests"), HTTP_HOST=BECKUM)
    assert listing.status_code == 200
    assert listing.content.decode().count(link) == 1
    owner = Client()
    owner.force_login(people["colleague"])  # made the event's page: the requester
    detail = owner.get(reverse("plugins:interpreters:request", args=[request.pk]), HTTP_HOST=BECKUM)
    assert detail.status_code == 200
    page = detail.content.decode()
    assert link in page and 'id="request-people">3<' in page
    offer = Offer.objects.get(request=request)
    shown = Client().get(
        reverse("plugins:interpreters:offer", args=[offer.token]), HTTP_HOST=BECKUM
    )
    assert link in shown.content.decode()
    # in another language, the link text follows the visitor's language
    with translation_override("en"):
        path = reverse("plugins:interpreters:request", args=[request.pk])
    english = owner.get(path, HTTP_HOST=BECKUM).content.decode()
    assert "From the sign-ups of <a href=" in english
