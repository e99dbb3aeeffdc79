"""Subscribing with double opt-in, preferences by token, leaving, and what bad input does."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from plugins.newsletter import subscriptions
from plugins.newsletter.models import Subscriber
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def link_in(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return url.removeprefix("http://beckum.test")


def sign_up(client, django_capture_on_commit_callbacks, **data):
    form = {"email": "Leila@Example.org", "language": "ar", "consent": "on", **data}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/newsletter/", form, **HOST)


def test_subscribe_confirm_change_language_and_leave(
    client, site, topic, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, topics=[topic.pk])
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "leila@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.topics.all()) == [topic]

    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["leila@example.org"]
    assert "النشرة" in confirmation.subject  # written in the chosen language (Arabic)
    url = link_in(confirmation)
    # Opening the link (or a mail scanner fetching it) does not confirm yet.
    assert client.get(url, **HOST).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    client.post(url, **HOST)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.consent_at is not None
    assert subscriber.consent_text_version == subscriptions.CONSENT_VERSION
    assert subscriber.consent_source.startswith("web form")

    preferences = f"/newsletter/einstellungen/{subscriber.token}/"
    response = client.post(preferences, {"language": "uk"}, **HOST)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.language == "uk" and not subscriber.topics.exists()

    client.post(f"/newsletter/abmelden/{subscriber.token}/", **HOST)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


@pytest.mark.parametrize(
    "data, field",
    [
        ({"email": ""}, "email"),
        ({"email": "kein-at-zeichen"}, "email"),
        ({"email": "x" * 250 + "@example.org"}, "email"),
        ({"consent": ""}, "consent"),
        ({"language": "xx"}, "language"),
        ({"topics": ["999999"]}, "topics"),
    ],
)
def test_bad_sign_up_gives_a_message_and_stores_nothing(
    client, site, topic, data, field, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_topic_of_another_site_is_refused(
    client, site, other_site, topic, django_capture_on_commit_callbacks
):
    from plugins.newsletter.models import Topic

    foreign = Topic.objects.create(site=other_site, name="Borken intern")
    response = sign_up(client, django_capture_on_commit_callbacks, topics=[foreign.pk])
    assert "topics" in response.context["form"].errors
    assert not Subscriber.objects.exists()


def test_error_messages_are_translated(client, site):
    response = client.post("/newsletter/", {"email": "x"}, **HOST)
    html = response.content.decode()
    assert re.search(r'class="error"[^>]*>[^<]*E-Mail-Adresse', html)
    assert 'id="id_consent_error"' in html  # the consent box is required, too


def test_signing_up_again_does_not_reveal_the_subscription(
    client, site, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(
        site=site, email="leila@example.org", status=Subscriber.Status.CONFIRMED, language="de"
    )
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302  # the same answer as for a new address
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert len(mail.outbox) == 1
    assert "/newsletter/einstellungen/" in mail.outbox[0].body


def test_bots_filling_the_hidden_field_are_ignored(
    client, site, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 302
    assert not Subscriber.objects.exists()


def test_a_signed_in_person_is_linked_to_the_subscription(
    client, site, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    sign_up(client, django_capture_on_commit_callbacks, email=user.email)
    assert Subscriber.objects.get().user == user
    client.logout()
    sign_up(client, django_capture_on_commit_callbacks, email="fremd@example.org")
    assert Subscriber.objects.get(email="fremd@example.org").user is None


def test_forged_and_broken_tokens_change_nothing(client, site):
    person = Subscriber.objects.create(
        site=site, email="a@example.org", status=Subscriber.Status.CONFIRMED
    )
    forged = signing.TimestampSigner(salt="other").sign(person.token)
    for url in [
        f"/newsletter/bestaetigen/{forged}/",
        "/newsletter/bestaetigen/kaputt/",
        "/newsletter/einstellungen/nicht-echt/",
        "/newsletter/abmelden/nicht-echt/",
    ]:
        response = client.post(url, {"language": "en"}, **HOST)
        assert response.status_code in (400, 404), url
        assert "Link" in response.content.decode()
    person.refresh_from_db()
    assert person.status == Subscriber.Status.CONFIRMED and person.language == "de"


def test_expired_confirmation_link_says_so(client, site):
    person = Subscriber.objects.create(site=site, email="a@example.org", language="de")
    with freeze_time(timezone.now() - timedelta(days=8)):
        code = subscriptions.confirmation_code(person)
    response = client.post(f"/newsletter/bestaetigen/{code}/", **HOST)
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    person.refresh_from_db()
    assert person.status == Subscriber.Status.PENDING


def test_unconfirmed_sign_ups_are_deleted_after_the_set_time(site):
    old = Subscriber.objects.create(site=site, email="alt@example.org")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    Subscriber.objects.create(site=site, email="neu@example.org")
    Subscriber.objects.create(
        site=site, email="treu@example.org", status=Subscriber.Status.CONFIRMED
    )
    Subscriber.objects.filter(email="treu@example.org").update(
        created_at=timezone.now() - timedelta(days=300)
    )
    assert subscriptions.delete_unconfirmed() == 1
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "neu@example.org",
        "treu@example.org",
    }


def test_one_click_unsubscribe_needs_no_csrf_token(site):
    person = Subscriber.objects.create(
        site=site, email="a@example.org", status=Subscriber.Status.CONFIRMED
    )
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/newsletter/abmelden/{person.token}/", {"List-Unsubscribe": "One-Click"}, **HOST
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == Subscriber.Status.UNSUBSCRIBED


def test_pages_answer_404_where_the_plugin_is_off(client, site):
    PluginSettings.set_enabled(site, "newsletter", False)
    assert client.get("/newsletter/", **HOST).status_code == 404


def test_subscription_pages_exist_in_every_language(client, site):
    for prefix in ["", "/en", "/ar", "/uk", "/tr"]:
        response = client.get(f"{prefix}/newsletter/", **HOST)
        assert response.status_code == 200, prefix
    assert "اشترك" in client.get("/ar/newsletter/", **HOST).content.decode()


def test_housekeeping_command_deletes_stale_sign_ups(site):
    from io import StringIO

    from django.core.management import call_command

    old = Subscriber.objects.create(site=site, email="alt@example.org")
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("newsletter_tick", stdout=out)
    assert "deleted 1" in out.getvalue()
    assert not Subscriber.objects.exists()


def test_the_form_mails_a_third_party_address_only_a_few_times(
    client, site, django_capture_on_commit_callbacks
):
    """25 posts for one stranger's address no longer mean 25 mails (3 a day), and one IP
    cannot cycle through addresses without end (10 an hour)."""
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(25):
            form = {"email": "victim@example.org", "language": "de", "consent": "on"}
            client.post("/newsletter/", form, REMOTE_ADDR="10.0.0.1", **HOST)
    assert len(mail.outbox) == 3
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(25):
            form = {"email": f"p{n}@example.org", "language": "de", "consent": "on"}
            client.post("/newsletter/", form, REMOTE_ADDR="10.0.0.2", **HOST)
    assert len(mail.outbox) == 10
    form = {"email": "late@example.org", "language": "de", "consent": "on"}
    response = client.post("/newsletter/", form, REMOTE_ADDR="10.0.0.2", **HOST)
    assert "Zu viele Versuche" in response.content.decode()
    # another visitor (another IP) is not affected
    response = client.post("/newsletter/", form, REMOTE_ADDR="10.0.0.3", **HOST)
    assert response.status_code == 302
