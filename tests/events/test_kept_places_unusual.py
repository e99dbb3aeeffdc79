"""An event page's kept places (events/places.py, issue 15) after changes the product does not
make today (found by the adversarial review): a sign-up moved to another event, and a cache
that loses the places' generation at once."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from events import places
from events import registrations as engine

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _free(client, page) -> str:
    html = client.get(page.url, **HOST).content.decode()
    return re.search(r'class="places" data-free="([^"]*)"', html).group(1)


def test_a_sign_up_moved_to_another_event_frees_the_first(event, make_event, commit):
    """Both events count again: the one the sign-up left and the one it joined. No view, admin
    or snippet of the product moves a sign-up today."""
    other = make_event(title="Anderes", capacity=10, max_party_size=4)
    anon = Client()
    with commit():
        moving = engine.sign_up(event, email="a@example.org", party_size=3)
    assert _free(anon, event) == "7" and _free(anon, other) == "10"
    with commit():
        moving.event = other
        moving.save()
    assert _free(anon, other) == "7"
    assert _free(anon, event) == "10"


def test_nothing_kept_when_the_cache_lost_the_generation_at_once(
    client, event, commit, monkeypatch
):
    """The cache loses the places' generation between add and get, and keeps losing it
    (``generations.current`` answers 0): nothing is kept that a sign-up could not renew."""
    from django.core.cache import cache

    key = places.generation_key(event.pk)
    real_get, real_add, real_incr, real_set = cache.get, cache.add, cache.incr, cache.set

    def get(k, *a, **kw):
        if k == key:
            return a[0] if a else kw.get("default")
        return real_get(k, *a, **kw)

    def incr(k, *a, **kw):
        if k == key:
            raise ValueError("lost")
        return real_incr(k, *a, **kw)

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(
        cache, "add", lambda k, *a, **kw: False if k == key else real_add(k, *a, **kw)
    )
    monkeypatch.setattr(cache, "incr", incr)
    monkeypatch.setattr(
        cache, "set", lambda k, *a, **kw: None if k == key else real_set(k, *a, **kw)
    )
    monkeypatch.setattr(places.generations.prefetch, "read_many", lambda keys: {})
    assert _free(client, event) == "10"
    with commit():
        engine.sign_up(event, email="a@example.org", party_size=3)
    assert _free(client, event) == "7"
