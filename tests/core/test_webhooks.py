"""The mail provider's bounce webhooks: off without ANYMAIL_WEBHOOK_SECRET, and a request
without the secret's credentials changes nothing."""

from __future__ import annotations

import base64
import json

import pytest

from plugins.newsletter.models import Subscriber

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
URL = "/anymail/postmark/tracking/"
SECRET = "postmark:Ein-langes-zufaelliges-Passwort"


def _bounce(email: str) -> str:
    return json.dumps(
        {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "TypeCode": 1,
            "Email": email,
            "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
            "BouncedAt": "2026-12-01T10:00:00Z",
            "Description": "forged",
        }
    )


def _auth(credentials: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


@pytest.fixture
def subscriber(site) -> Subscriber:
    return Subscriber.objects.create(
        site=site, email="jane.miller@example.org", status=Subscriber.Status.CONFIRMED
    )


def _status(subscriber) -> str:
    return Subscriber.objects.get(pk=subscriber.pk).status


def test_without_a_secret_the_webhooks_are_not_there(client, subscriber, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    response = client.post(URL, _bounce(subscriber.email), "application/json", **HOST)
    assert response.status_code == 404
    response = client.post(
        URL, _bounce(subscriber.email), "application/json", **HOST, **_auth(SECRET)
    )
    assert response.status_code == 404
    assert _status(subscriber) == Subscriber.Status.CONFIRMED


def test_a_forged_bounce_without_valid_credentials_changes_nothing(client, subscriber, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    for extra in [
        {},
        _auth("postmark:falsch"),
        _auth("postmark"),
        {"HTTP_AUTHORIZATION": "Basic !!!"},
        {"HTTP_AUTHORIZATION": "Bearer " + SECRET},
    ]:
        response = client.post(URL, _bounce(subscriber.email), "application/json", **HOST, **extra)
        assert response.status_code in (400, 401, 403), extra
        assert _status(subscriber) == Subscriber.Status.CONFIRMED, extra
    # the provider's real report, with the credentials, does take the address off the list
    response = client.post(
        URL, _bounce(subscriber.email), "application/json", **HOST, **_auth(SECRET)
    )
    assert response.status_code == 200
    assert _status(subscriber) == Subscriber.Status.BOUNCED
