"""Safe sends: the count per edition and a second click before anything goes out, a
scheduled send cancelled from the desk, and what the provider reported per send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.utils import timezone

from plugins.newsletter import delivery
from plugins.newsletter.models import Delivery, Mailing, Subscriber

from .conftest import add_subscribers, translate

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def desk(client, staff, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(staff)
    return client


def test_send_first_shows_the_count_per_edition_and_sends_nothing(desk, site, issue, locales):
    translate(issue, locales["en"], "News from the network", "<p>Hello!</p>")
    add_subscribers(site, 7, languages=("de", "en", "ar"))  # de 3, en 2, ar 2 (gets German)
    response = desk.post(f"/admin/newsletter/issue/{issue.pk}/send/", {"when": "now"}, **HOST)
    assert response.status_code == 200
    assert response.context["counts"] == [("de", "Deutsch", 5), ("en", "English", 2)]
    page = response.content.decode()
    assert "7" in page and 'name="confirmed" value="7"' in page
    assert not Mailing.objects.exists() and not mail.outbox


def test_the_confirmed_count_sends(desk, site, issue, django_capture_on_commit_callbacks):
    add_subscribers(site, 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            f"/admin/newsletter/issue/{issue.pk}/send/",
            {"when": "now", "confirmed": "3"},
            **HOST,
        )
    assert response.status_code == 302
    assert Mailing.objects.get().status == Mailing.Status.FINISHED
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("confirmed", ["2", "", "x", "9" * 40, "-3", "٣"])
def test_a_changed_or_forged_count_asks_again(desk, site, issue, confirmed):
    add_subscribers(site, 3)
    response = desk.post(
        f"/admin/newsletter/issue/{issue.pk}/send/",
        {"when": "now", "confirmed": confirmed},
        **HOST,
    )
    assert response.status_code == 200
    assert response.context["total"] == 3
    assert "changed" in response.context and 'value="3"' in response.content.decode()
    assert not Mailing.objects.exists() and not mail.outbox


def test_a_subscriber_joining_between_look_and_click_asks_again(desk, site, issue):
    add_subscribers(site, 3)
    first = desk.post(f"/admin/newsletter/issue/{issue.pk}/send/", {"when": "now"}, **HOST)
    assert first.context["total"] == 3 and not first.context["changed"]
    add_subscribers(site, 1, prefix="neu")
    again = desk.post(
        f"/admin/newsletter/issue/{issue.pk}/send/", {"when": "now", "confirmed": "3"}, **HOST
    )
    assert again.context["changed"] and again.context["total"] == 4
    assert not Mailing.objects.exists()


def test_a_scheduled_send_is_cancelled_from_the_desk_until_it_starts(desk, site, issue):
    add_subscribers(site, 2)
    when = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    confirm = desk.post(
        f"/admin/newsletter/issue/{issue.pk}/send/", {"when": "later", "send_at": when}, **HOST
    )
    assert f'name="send_at" value="{when}"' in confirm.content.decode()
    desk.post(
        f"/admin/newsletter/issue/{issue.pk}/send/",
        {"when": "later", "send_at": when, "confirmed": "2"},
        **HOST,
    )
    mailing = Mailing.objects.get()
    assert mailing.status == Mailing.Status.SCHEDULED
    desk_page = desk.get(f"/admin/newsletter/issue/{issue.pk}/", **HOST).content.decode()
    assert f"/admin/newsletter/send/{mailing.pk}/cancel/" in desk_page
    desk.post(f"/admin/newsletter/send/{mailing.pk}/cancel/", **HOST)
    assert Mailing.objects.get().status == Mailing.Status.CANCELLED
    # Due now, the cancelled send's task finds nothing to do.
    Mailing.objects.filter(pk=mailing.pk).update(send_at=timezone.now() - timedelta(minutes=1))
    assert delivery.run(mailing.pk).sent == 0
    assert not mail.outbox and not Delivery.objects.exists()
    # Started, it can no longer be cancelled (pause is the way).
    again = delivery.start_mailing(issue, None)
    delivery.prepare(again.pk)
    response = desk.post(f"/admin/newsletter/send/{again.pk}/cancel/", follow=True, **HOST)
    assert Mailing.objects.get(pk=again.pk).status == Mailing.Status.RUNNING
    assert "pause" in response.content.decode().lower()


def _report(kind, email, message_id=None):
    event = AnymailTrackingEvent(event_type=kind, recipient=email, message_id=message_id)
    tracking.send(sender=object, event=event, esp_name="Test")


def test_each_send_counts_bounces_complaints_and_unsubscribes(desk, site, issue, archive):
    from .conftest import make_issue

    people = add_subscribers(site, 6)
    first = delivery.drain(delivery.start_mailing(issue, None).pk)
    second_issue = make_issue(archive, title="Zweite Ausgabe")
    second = delivery.drain(delivery.start_mailing(second_issue, None).pk)
    rows = {d.subscriber_id: d for d in Delivery.objects.filter(mailing=first)}
    # A provider passing our Message-ID back: counted against that (the first) send.
    _report("bounced", people[0].email, f"<newsletter.{first.pk}.{rows[people[0].pk].pk}@x>")
    # One without it: counted against the last send to the address.
    _report("complained", people[1].email.upper())
    _report("bounced", people[2].email)
    _report("delivered", people[3].email)
    _report("bounced", "nobody@example.org")
    Subscriber.objects.filter(pk=people[4].pk).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    one = Mailing.objects.get(pk=first.pk)
    two = Mailing.objects.get(pk=second.pk)
    assert (one.counts()["bounced"], one.counts()["complained"]) == (1, 0)
    assert (two.counts()["bounced"], two.counts()["complained"]) == (1, 1)
    assert two.unsubscribed_since() == 1  # the bounced and the complaint are not unsubscribes
    # A second report of the same bounce counts once.
    _report("bounced", people[2].email)
    assert Mailing.objects.get(pk=second.pk).counts()["bounced"] == 1
    assert Mailing.objects.get(pk=first.pk).counts()["bounced"] == 1

    page = desk.get(f"/admin/newsletter/issue/{second_issue.pk}/", **HOST)
    assert page.context["stats"]["complained"] == 1
    text = page.content.decode()
    assert "Als Spam markiert" in text or "Marked as spam" in text
