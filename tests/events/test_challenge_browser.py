"""In Chromium: the sign-up form of an event under attack solves the proof-of-work challenge
in the visitor's browser (events/static/events/signup-challenge.js) and the real visitor
holds a place at once; a visitor who posts without it holds none until they confirm."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from events.models import Registration

from .test_browser import festival_live  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Registration.Status


@pytest.fixture
def limits(settings):
    settings.EVENTS_UNCONFIRMED_SHARE = 0.5
    settings.EVENTS_HOLDS_PER_IP = (3, 3600)
    settings.EVENTS_HOLDS_PER_EMAIL = (3, 3600)
    settings.EVENTS_ATTACK_POSTS = (60, 600)
    settings.EVENTS_POW_BITS = 10
    cache.clear()
    return settings


def _attack(festival) -> None:
    """One address after another from one IP: the event is then under attack."""
    client = Client()
    for i in range(6):
        client.post(
            festival.url + "anmelden/", {"email": f"fake{i}@example.org", "party_size": "1"}
        )


def _sign_up(page, url: str, email: str) -> None:
    page.goto(url)
    page.locator("#anmeldung").get_by_label(re.compile("E-Mail")).fill(email)
    page.locator("#anmeldung button[type=submit]").click()
    page.wait_for_selector(".message--success, .message--info, [role=status]")


def test_the_browser_solves_the_challenge_and_holds_a_place(
    page,
    live_server,
    limits,
    festival_live,  # noqa: F811
):
    _calendar, festival = festival_live
    _attack(festival)
    assert Client().get(f"/veranstaltungen/{festival.pk}/pruefung.json").json()["required"]

    _sign_up(page, live_server.url + festival.url, "nour@example.org")
    nour = Registration.objects.get(email="nour@example.org")
    assert nour.status == S.HELD  # the solved challenge was sent with the form

    # the same form without JavaScript: taken, but no place held before confirming
    context = page.context.browser.new_context(locale="de-DE", java_script_enabled=False)
    tab = context.new_page()
    _sign_up(tab, live_server.url + festival.url, "lena@example.org")
    context.close()
    assert Registration.objects.get(email="lena@example.org").status == S.WAITING
