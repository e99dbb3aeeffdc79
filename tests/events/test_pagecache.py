"""An event page served from the page cache keeps its sign-up form working, and every
sign-up renews the page, so the places left are never stale."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from events.models import Registration

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def cache_on(settings, event):
    settings.PAGE_CACHE_SECONDS = 60
    Client().get(event.url, **HOST)  # first visits make the site's settings rows
    cache.clear()


def test_a_cached_sign_up_form_carries_the_visitors_own_csrf_token(event):
    first = Client().get(event.url, **HOST)
    assert first["X-Page-Cache"] == "miss"

    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(event.url, **HOST)
    assert page["X-Page-Cache"] == "hit"
    token = TOKEN.search(page.content.decode())[1]
    assert token != TOKEN.search(first.content.decode())[1]
    assert "csrftoken" in visitor.cookies  # set for a visitor who had none

    response = visitor.post(
        event.url + "anmelden/",
        {"csrfmiddlewaretoken": token, "email": "nour@example.org", "party_size": "2"},
        **HOST,
    )
    assert response.status_code == 302
    assert Registration.objects.get().party_size == 2


def test_a_sign_up_renders_the_event_page_again(event, client):
    client.get(event.url, **HOST)
    assert client.get(event.url, **HOST)["X-Page-Cache"] == "hit"
    Client().post(event.url + "anmelden/", {"email": "nour@example.org", "party_size": "2"}, **HOST)
    assert Client().get(event.url, **HOST)["X-Page-Cache"] == "miss"
