"""Sending an issue through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone

from plugins.newsletter import delivery
from plugins.newsletter.models import Delivery, Mailing, NewsletterPage, Subscriber
from tests.helpers import SmtpSink, _Handler, body_text

from .conftest import add_subscribers, make_issue, translate

pytestmark = pytest.mark.django_db


def send_and_drain(page, user=None, timeout=120):
    mailing = delivery.start_mailing(page, user)
    return delivery.drain(mailing.pk, timeout=timeout)


def html_part(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode()


def test_a_thousand_subscribers_get_exactly_one_mail_in_their_language(
    smtp_settings, site, issue, locales
):
    translate(issue, locales["en"], "News from the network", "<p>Hello {{ email }}!</p>")
    people = add_subscribers(site, 1000, languages=("de", "en", "ar"))
    mailing = send_and_drain(issue)

    assert mailing.status == Mailing.Status.FINISHED
    received = Counter(rcpt for _f, rcpts in smtp_settings.envelopes for rcpt in rcpts)
    assert len(received) == 1000
    assert set(received.values()) == {1}
    assert mailing.counts()["sent"] == 1000

    by_address = {m["To"]: m for m in smtp_settings.messages}
    english = by_address[people[1].email]
    assert english["Subject"] == "News from the network"
    assert f"Hello {people[1].email}!" in body_text(english)
    german = by_address[people[0].email]
    assert german["Subject"] == "Neues aus dem Netzwerk"
    # Arabic has no edition yet: the reader gets the default (German) one.
    assert by_address[people[2].email]["Subject"] == "Neues aus dem Netzwerk"

    unsubscribe = german["List-Unsubscribe"].strip().strip("<>")
    assert german["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert people[0].token in unsubscribe and unsubscribe.startswith("http://beckum.test/")
    assert unsubscribe in html_part(german)  # the footer link, too
    assert 'style="' in html_part(german)  # CSS inlined for mail programs
    assert "<style" not in html_part(german)


def test_one_click_unsubscribe_from_the_header_works(smtp_settings, site, issue, client):
    people = add_subscribers(site, 2)
    send_and_drain(issue)
    message = smtp_settings.to(people[0].email)[0]
    url = message["List-Unsubscribe"].strip().strip("<>").removeprefix("http://beckum.test")
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"}, HTTP_HOST="beckum.test")
    assert response.status_code == 200
    people[0].refresh_from_db()
    people[1].refresh_from_db()
    assert people[0].status == Subscriber.Status.UNSUBSCRIBED
    assert people[1].status == Subscriber.Status.CONFIRMED


def test_smtp_outage_is_waited_out_and_everyone_gets_exactly_one(
    smtp_settings, site, issue, settings
):
    settings.PLUGINS_CONFIG = {"newsletter": {"RETRY_SECONDS": 0.2, "BATCH_SIZE": 20}}
    add_subscribers(site, 120)
    smtp_settings.refuse = True

    def come_back():
        smtp_settings.refuse = False

    timer = threading.Timer(1.5, come_back)
    timer.start()
    try:
        mailing = send_and_drain(issue, timeout=60)
    finally:
        timer.cancel()
    assert mailing.status == Mailing.Status.FINISHED
    received = Counter(rcpt for _f, rcpts in smtp_settings.envelopes for rcpt in rcpts)
    assert len(received) == 120 and set(received.values()) == {1}
    assert Delivery.objects.filter(mailing=mailing, attempts__gt=0).exists()  # it did retry


def test_server_that_never_answers_leaves_rows_waiting_not_lost(site, issue, settings):
    from tests.helpers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.PLUGINS_CONFIG = {"newsletter": {"RETRY_SECONDS": 60}}
    add_subscribers(site, 5)
    mailing = delivery.start_mailing(issue, None)
    outcome = delivery.run(mailing.pk, budget_seconds=5)
    assert outcome.sent == 0 and not outcome.finished
    counts = Mailing.objects.get(pk=mailing.pk).counts()
    assert counts["pending"] == 5 and counts["failed"] == 0
    assert outcome.next_run > timezone.now() + timedelta(seconds=30)


class _BouncingHandler(_Handler):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("bounce"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def bouncing_smtp(settings):
    sink = SmtpSink()
    sink.controller = Controller(_BouncingHandler(sink), hostname=sink.host, port=sink.port)
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


def test_a_bouncing_address_fails_is_taken_off_the_list_and_the_rest_go_out(
    bouncing_smtp, site, issue
):
    add_subscribers(site, 10)
    add_subscribers(site, 1, prefix="bounce")
    mailing = send_and_drain(issue)
    assert mailing.status == Mailing.Status.FINISHED
    assert len(bouncing_smtp.messages) == 10
    failed = Delivery.objects.get(mailing=mailing, status=Delivery.Status.FAILED)
    assert "No such user" in failed.error
    assert failed.subscriber.status == Subscriber.Status.BOUNCED


def test_many_failures_pause_the_send_and_tell_the_editor(
    bouncing_smtp, site, issue, staff, settings
):
    settings.PLUGINS_CONFIG = {"newsletter": {"MAX_FAILURES": 3, "BATCH_SIZE": 5}}
    add_subscribers(site, 4, prefix="bounce")
    add_subscribers(site, 5)
    mailing = send_and_drain(issue, user=staff)
    assert mailing.status == Mailing.Status.PAUSED
    assert "3" in mailing.pause_reason
    notices = bouncing_smtp.to(staff.email)
    assert len(notices) == 1
    assert "pausiert" in notices[0]["Subject"]  # in the editor's language
    assert not Delivery.objects.filter(mailing=mailing, status=Delivery.Status.SENT).exists()
    # Resuming finishes the rest; nobody gets a second mail.
    delivery.resume(mailing)
    mailing = delivery.drain(mailing.pk)
    assert mailing.status == Mailing.Status.FINISHED
    newsletter_mails = [m for m in bouncing_smtp.messages if m["X-Newsletter-Delivery"]]
    assert len(newsletter_mails) == 5
    assert mailing.counts()["failed"] == 4
    assert len({m["To"] for m in newsletter_mails}) == 5


def test_people_who_leave_before_their_turn_are_skipped(smtp_settings, site, issue):
    people = add_subscribers(site, 3)
    mailing = delivery.start_mailing(issue, None)
    delivery.prepare(mailing.pk)
    Subscriber.objects.filter(pk=people[1].pk).update(status=Subscriber.Status.UNSUBSCRIBED)
    mailing = delivery.drain(mailing.pk)
    assert {m["To"] for m in smtp_settings.messages} == {people[0].email, people[2].email}
    assert mailing.counts()["skipped"] == 1


def test_topics_narrow_the_recipients(smtp_settings, site, archive, topic):
    fans = add_subscribers(site, 3, prefix="fan", topics=[topic])
    add_subscribers(site, 4, prefix="other")
    page = make_issue(archive, title="Nur Termine")
    page.topics.add(topic)
    page.save_revision().publish()
    assert delivery.edition_counts(page, site) == {"de": 3}  # no English edition
    send_and_drain(page)
    assert {m["To"] for m in smtp_settings.messages} == {f.email for f in fans}


def test_unknown_placeholder_empty_issue_and_no_recipients_stop_the_send(site, archive):
    add_subscribers(site, 2)
    broken = make_issue(archive, title="Kaputt")
    # The page editor refuses such text (see below); an old revision may still carry it.
    NewsletterPage.objects.filter(pk=broken.pk).update(intro="Hallo {{ vorname }} und {{ email")
    with pytest.raises(delivery.MailingError) as exc:
        delivery.start_mailing(broken, None)
    assert "{{ vorname }}" in str(exc.value.messages)
    assert "{{ email" in str(exc.value.messages)
    empty = make_issue(archive, title="Leer", text=None, intro="")
    with pytest.raises(delivery.MailingError) as exc:
        delivery.start_mailing(empty, None)
    assert "empty" in str(exc.value.messages) or "leer" in str(exc.value.messages)
    assert not Mailing.objects.exists()


def test_the_page_editor_refuses_an_unknown_placeholder(archive):
    from django.core.exceptions import ValidationError

    page = make_issue(archive, title="Gut")
    page.intro = "Liebe {{ name }}"
    with pytest.raises(ValidationError):
        page.full_clean()


def test_a_second_send_of_the_same_issue_is_refused(smtp_settings, site, issue):
    add_subscribers(site, 2)
    send_and_drain(issue)
    with pytest.raises(delivery.MailingError):
        delivery.start_mailing(issue, None)
    assert len(smtp_settings.messages) == 2


def test_scheduled_send_waits_can_be_cancelled_and_starts_when_due(smtp_settings, site, archive):
    add_subscribers(site, 2)
    later = make_issue(archive, title="Spaeter")
    mailing = delivery.start_mailing(later, None, timezone.now() + timedelta(hours=2))
    assert delivery.run(mailing.pk).sent == 0
    assert not smtp_settings.messages
    delivery.cancel(mailing)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.CANCELLED
    # Cancelled, it may be scheduled again; once due, the housekeeping starts it.
    again = delivery.start_mailing(later, None, timezone.now() + timedelta(seconds=1))
    Mailing.objects.filter(pk=again.pk).update(send_at=timezone.now() - timedelta(seconds=1))
    with override_settings():
        delivery.resume_stalled()
    assert Mailing.objects.get(pk=again.pk).status == Mailing.Status.FINISHED
    assert len(smtp_settings.messages) == 2


def test_pause_stops_between_batches_and_resume_goes_on(smtp_settings, site, issue, settings):
    settings.PLUGINS_CONFIG = {"newsletter": {"BATCH_SIZE": 5}}
    add_subscribers(site, 12)
    mailing = delivery.start_mailing(issue, None)
    delivery.prepare(mailing.pk)
    delivery.pause(Mailing.objects.get(pk=mailing.pk))
    assert delivery.run(mailing.pk).sent == 0
    with pytest.raises(delivery.MailingError):
        delivery.cancel(Mailing.objects.get(pk=mailing.pk))
    delivery.resume(Mailing.objects.get(pk=mailing.pk))
    assert delivery.drain(mailing.pk).status == Mailing.Status.FINISHED
    assert len(smtp_settings.messages) == 12


def test_rate_limit_spaces_the_mails(smtp_settings, site, issue, settings):
    import time

    settings.PLUGINS_CONFIG = {"newsletter": {"MESSAGES_PER_SECOND": 20}}
    add_subscribers(site, 10)
    started = time.monotonic()
    send_and_drain(issue)
    assert time.monotonic() - started >= 9 / 20
    assert len(smtp_settings.messages) == 10


def test_a_provider_bounce_or_complaint_webhook_unsubscribes(site):
    from anymail.signals import AnymailTrackingEvent, tracking

    people = add_subscribers(site, 3)
    for kind, person in (
        ("bounced", people[0]),
        ("complained", people[1]),
        ("delivered", people[2]),
    ):
        event = AnymailTrackingEvent(event_type=kind, recipient=person.email.upper())
        tracking.send(sender=object, event=event, esp_name="Test")
    statuses = [Subscriber.objects.get(pk=p.pk).status for p in people]
    assert statuses == ["bounced", "complained", "confirmed"]


def test_stale_sending_rows_become_unknown_and_are_never_resent(
    smtp_settings, site, issue, settings
):
    settings.PLUGINS_CONFIG = {"newsletter": {"CLAIM_SECONDS": 1}}
    people = add_subscribers(site, 3)
    mailing = delivery.start_mailing(issue, None)
    delivery.prepare(mailing.pk)
    # As a killed worker leaves it: one row marked before its final dot, one claimed.
    rows = list(Delivery.objects.filter(mailing=mailing).order_by("pk"))
    long_ago = timezone.now() - timedelta(seconds=5)
    Delivery.objects.filter(pk=rows[0].pk).update(
        status=Delivery.Status.SENDING, sending_at=long_ago, claim="dead"
    )
    Delivery.objects.filter(pk=rows[1].pk).update(claim="dead", claimed_until=long_ago)
    mailing = delivery.drain(mailing.pk)
    assert mailing.status == Mailing.Status.FINISHED
    assert {m["To"] for m in smtp_settings.messages} == {people[1].email, people[2].email}
    assert Delivery.objects.get(pk=rows[0].pk).status == Delivery.Status.UNKNOWN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_senders_side_by_side_deliver_each_mail_exactly_once(
    smtp_settings, site, archive, settings, monkeypatch
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("senders in threads need a database that takes writers side by side")
    settings.PLUGINS_CONFIG = {"newsletter": {"SENDERS": 3, "BATCH_SIZE": 20}}
    # the task is queued, not run at once: this test runs it
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    opened_by = set()
    real_open = delivery.SMTPTransport.open

    def open_and_note(self):
        opened_by.add(threading.current_thread().name)
        real_open(self)

    monkeypatch.setattr(delivery.SMTPTransport, "open", open_and_note)
    people = add_subscribers(site, 300)
    mailing = delivery.start_mailing(make_issue(archive), None)

    outcome = delivery.run_senders(mailing.pk, budget_seconds=60)

    assert outcome.sent == 300 and outcome.finished
    assert len(opened_by) == 3  # three connections, one per thread
    received = Counter(rcpt for _f, rcpts in smtp_settings.envelopes for rcpt in rcpts)
    assert received == Counter({p.email: 1 for p in people})
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED
    assert mailing.counts()["sent"] == 300


def test_sqlite_sends_with_one_sender(settings, monkeypatch):
    from django.db import connections

    settings.PLUGINS_CONFIG = {"newsletter": {"SENDERS": 4}}
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    assert delivery.senders() == 1
    monkeypatch.setattr(connections["default"], "vendor", "postgresql")
    assert delivery.senders() == 4


def test_inside_a_transaction_the_task_sends_in_its_own_thread(
    smtp_settings, site, issue, settings
):
    settings.PLUGINS_CONFIG = {"newsletter": {"SENDERS": 3}}
    add_subscribers(site, 30)
    mailing = delivery.start_mailing(issue, None)  # the test's transaction is still open
    outcome = delivery.run_senders(mailing.pk, budget_seconds=30)
    assert outcome.sent == 30
    assert len(smtp_settings.envelopes) == 30
