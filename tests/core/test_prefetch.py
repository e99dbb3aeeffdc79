"""What an address asked the cache for is asked in the first round trip of the next request
to it (treffpunkt.core.prefetch): a warm page costs one round trip, and a change made between
two requests still shows at once."""

from __future__ import annotations

import pytest

from treffpunkt.core import pagecache, prefetch

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def round_trips(settings, cache_round_trips):
    """Each get or get_many this test's requests make, with the page cache off and this
    process's learned keys forgotten."""
    settings.PAGE_CACHE_SECONDS = 0
    prefetch.forget_all()
    return cache_round_trips


def test_a_warm_address_asks_the_cache_once(client, site, round_trips):
    client.get("/", **HOST)
    first = len(round_trips)
    round_trips.clear()
    client.get("/", **HOST)
    assert first > 1 and len(round_trips) == 1, round_trips


def test_what_is_kept_for_an_address_is_renewed_by_a_change_between_two_requests(
    client, site, round_trips
):
    made = []

    def compute():
        made.append(1)
        return len(made)

    from django.test import RequestFactory

    from treffpunkt.core.requestmemo import RequestMemoMiddleware

    def request_for(path):
        def view(request):
            from treffpunkt.core.middleware import find_site

            find_site(request)
            value = pagecache.keep("test:prefetch:value", compute, lambda v: 300)
            prefetch.request_done()
            return value

        return RequestMemoMiddleware(view)(RequestFactory().get(path, **HOST))

    assert request_for("/a/") == 1
    assert request_for("/a/") == 1  # kept, and now read in the first round trip
    round_trips.clear()
    assert request_for("/a/") == 1 and len(round_trips) == 1
    pagecache.content_changed()  # an edit between two requests
    assert request_for("/a/") == 2
    assert request_for("/a/") == 2


def _request(path, body, method="get"):
    from django.test import RequestFactory

    from treffpunkt.core.middleware import find_site
    from treffpunkt.core.requestmemo import RequestMemoMiddleware

    def view(request):
        find_site(request)
        try:
            return body()
        finally:
            prefetch.request_done()

    return RequestMemoMiddleware(view)(getattr(RequestFactory(), method)(path, **HOST))


def test_a_content_change_in_the_request_renews_what_is_kept_after_it(site, round_trips):
    """A POST that changes content and renders the page again within the same request gets
    the kept parts anew, though the first round trip read them (found by the review)."""
    made = []

    def read():
        return pagecache.keep(
            "test:prefetch:in-request", lambda: made.append(1) or len(made), lambda v: 300
        )

    assert _request("/a/", read) == 1
    assert _request("/a/", read) == 1  # learned

    def change_then_read():
        pagecache.content_changed()
        return read()

    assert _request("/a/", change_then_read, method="post") == 2


def test_an_address_of_any_length_takes_the_same_memory(client, site, round_trips):
    for number in range(3):
        client.get(f"/?x{number}=" + "a" * 8000, **HOST)
    assert prefetch._learned
    assert {len(address[1]) for address in prefetch._learned} == {16}
