"""An event page served from the page cache keeps its sign-up form working; a sign-up renews
the page at once, and in a crowd of sign-ups at most every few seconds."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from events.models import Registration

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


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
    # and a one-time submission token of its own, never the one stored with the page
    submission = SUBMISSION.search(page.content.decode())[1]
    assert submission != SUBMISSION.search(first.content.decode())[1]
    assert submission != SUBMISSION.search(Client().get(event.url, **HOST).content.decode())[1]
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


def test_sign_ups_in_a_crowd_renew_the_page_at_most_every_few_seconds(
    event, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from treffpunkt.core import pagecache

    settings.PAGE_CACHE_SETTLE = {"events.registration": 5}
    clock = [1000.0]
    monkeypatch.setattr(pagecache, "_now", lambda: clock[0])

    def sign_up(email):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(
                event.url + "anmelden/", {"email": email, "party_size": "1"}, **HOST
            )
        assert response.status_code == 302

    def cache_state():
        return Client().get(event.url, **HOST)["X-Page-Cache"]

    Client().get(event.url, **HOST)
    sign_up("one@example.org")  # the first sign-up shows at once
    assert cache_state() == "miss"
    assert cache_state() == "hit"

    clock[0] += 1
    sign_up("two@example.org")  # the next ones within 5 s wait
    sign_up("three@example.org")
    assert cache_state() == "hit"
    clock[0] += 3.9
    assert cache_state() == "hit"

    clock[0] += 0.2  # 5 s after the renewal: the waiting sign-ups show
    assert cache_state() == "miss"
    assert cache_state() == "hit"

    clock[0] += 60  # quiet again: a lone sign-up shows at once
    sign_up("four@example.org")
    assert cache_state() == "miss"


def test_other_content_changes_renew_at_once_even_while_sign_ups_settle(
    event, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from treffpunkt.core import pagecache

    settings.PAGE_CACHE_SETTLE = {"events.registration": 5}
    monkeypatch.setattr(pagecache, "_now", lambda: 1000.0)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            event.url + "anmelden/", {"email": "a@example.org", "party_size": "1"}, **HOST
        )
        Client().post(
            event.url + "anmelden/", {"email": "b@example.org", "party_size": "1"}, **HOST
        )
    Client().get(event.url, **HOST)
    assert Client().get(event.url, **HOST)["X-Page-Cache"] == "hit"
    assert Registration.objects.count() == 2
    event.title = "Begegnungsfest am Markt"
    event.save_revision().publish()
    page = Client().get(event.url, **HOST)
    assert page["X-Page-Cache"] == "miss" and "Begegnungsfest am Markt" in page.content.decode()


def _rendering_elsewhere(url: str) -> str:
    """Another request is rendering the page at ``url`` anew (it holds the page's turn, whose
    key is returned)."""
    from treffpunkt.core import pagecache

    turn = pagecache._key(RequestFactory().get(url, **HOST)) + ":rendering"
    assert cache.add(turn, 1, 10)
    return turn


@pytest.fixture
def stopped_clock(settings, monkeypatch):
    """Sign-ups settle for 5 s, and the clock stands still: a renewal waits."""
    from treffpunkt.core import pagecache

    settings.PAGE_CACHE_SETTLE = {"events.registration": 5}
    monkeypatch.setattr(pagecache, "_now", lambda: 1000.0)


def _visit_then_sign_up(event) -> None:
    """The event page stored, then an anonymous sign-up (its renewal not yet committed)."""
    Client().get(event.url, **HOST)
    Client().post(event.url + "anmelden/", {"email": "a@example.org", "party_size": "1"}, **HOST)


def test_while_one_request_renders_after_sign_ups_the_others_get_the_page_before(
    event, stopped_clock, django_capture_on_commit_callbacks
):
    """In a rush every visitor after a renewal missed the cache at once and rendered the
    event page (about 12 % of the web processes' time): now one renders, the others get the
    page of a moment ago."""
    with django_capture_on_commit_callbacks(execute=True):
        _visit_then_sign_up(event)
    turn = _rendering_elsewhere(event.url)
    page = Client().get(event.url, **HOST)
    assert page["X-Page-Cache"] == "stale"
    # the page before, with this visitor's own tokens as any page from the cache
    assert TOKEN.search(page.content.decode()) and "csrftoken" in page.cookies
    cache.delete(turn)
    assert Client().get(event.url, **HOST)["X-Page-Cache"] == "miss"  # its own turn
    assert Client().get(event.url, **HOST)["X-Page-Cache"] == "hit"


def test_after_an_edit_nobody_gets_the_page_before(event, django_capture_on_commit_callbacks):
    Client().get(event.url, **HOST)
    assert Client().get(event.url, **HOST)["X-Page-Cache"] == "hit"
    event.title = "Begegnungsfest am Markt"
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    _rendering_elsewhere(event.url)
    page = Client().get(event.url, **HOST)
    assert page["X-Page-Cache"] == "miss" and "Begegnungsfest am Markt" in page.content.decode()


def test_a_page_that_closed_is_not_served_from_before(
    event, stopped_clock, django_capture_on_commit_callbacks
):
    """A sign-up and then a view restriction: the stored public page must not stand in."""
    from wagtail.models import PageViewRestriction

    with django_capture_on_commit_callbacks(execute=True):
        _visit_then_sign_up(event)
        PageViewRestriction.objects.create(page=event, restriction_type="login")
    _rendering_elsewhere(event.url)
    response = Client().get(event.url, **HOST)
    assert response.status_code == 302 and "X-Page-Cache" not in response
