"""A calendar app's repeated poll of an unchanged public feed is answered before Django
(treffpunkt.calendar.polls), and only that: every request the feed view would answer
otherwise, or that it has not seen, goes on to Django."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from django.urls import reverse

from tests.core.test_calendar_versions import world  # noqa: F401 - a fixture
from tests.events.conftest import add_event

pytestmark = pytest.mark.django_db
HOST = "beckum.test"


def asgi_get(path: str, query: str = "", method: str = "GET", scheme: str = "http", **headers):
    """The request through the ASGI wrapper; (status, headers) of the answer, and whether
    Django's application was asked."""
    from treffpunkt.calendar.polls import ConditionalFeedPolls

    asked = []

    async def django_app(scope, receive, send):
        asked.append(scope["path"])
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    raw = [(b"host", headers.pop("host", HOST).encode())]
    raw += [(name.replace("_", "-").lower().encode(), v.encode()) for name, v in headers.items()]
    scope = {
        "type": "http",
        "method": method,
        "scheme": scheme,
        "path": path,
        "root_path": "",
        "query_string": query.encode(),
        "headers": raw,
    }
    asyncio.run(ConditionalFeedPolls(django_app)(scope, receive, send))
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, bool(asked)


@pytest.fixture
def trusted(settings):
    settings.CALENDAR_FEED_VERSION_SECONDS = 60
    return settings


@pytest.fixture
def public_feed(client, world, trusted):  # noqa: F811
    calendar, series = world
    add_event(calendar, title="Begegnungsfest")
    series(1)
    response = client.get("/kalender.ics", HTTP_HOST=HOST)
    assert response.status_code == 200
    return response


def test_an_unchanged_public_feed_is_answered_before_django(public_feed):
    etag, modified = public_feed["ETag"], public_feed["Last-Modified"]
    status, headers, asked = asgi_get("/kalender.ics", if_none_match=etag)
    assert (status, asked) == (304, False)
    assert headers["etag"] == etag and headers["last-modified"] == modified
    assert headers["cache-control"] == public_feed["Cache-Control"] == "public, max-age=900"
    # as a proxy sends it back, weak, and among others
    assert asgi_get("/kalender.ics", if_none_match=f'"x", W/{etag}')[::2] == (304, False)
    assert asgi_get("/kalender.ics", if_modified_since=modified)[::2] == (304, False)
    assert asgi_get("/kalender.ics", method="HEAD", if_none_match=etag)[::2] == (304, False)


@pytest.mark.parametrize(
    "change",
    [
        {"if_none_match": '"another"'},  # another answer held
        {"if_modified_since": "Mon, 01 Jan 2024 00:00:00 GMT"},  # an older one
        {"if_modified_since": "gestern"},
        {"host": "borken.test"},  # the other town, or any other host name
        {"scheme": "https"},  # not the address the view answered
        {"query": "kind=festival"},
        {"method": "POST"},
    ],
)
def test_whatever_the_view_did_not_answer_goes_to_django(public_feed, change):
    headers = {"if_none_match": public_feed["ETag"]}
    if "if_modified_since" in change:
        headers = {}
    status, _headers, asked = asgi_get("/kalender.ics", **(headers | change))
    assert (status, asked) == (299, True)


def test_no_validator_no_shortcut(public_feed):
    assert asgi_get("/kalender.ics")[::2] == (299, True)


def test_a_change_reaches_the_poll_when_the_view_would_see_it(client, public_feed, world):  # noqa: F811
    """Answers before Django last only as long as the view trusts the feed's version."""
    from freezegun import freeze_time

    calendar, _series = world
    etag = public_feed["ETag"]
    add_event(calendar, title="Lesecafé")
    # within the version's minute the view would answer 304 as well
    assert asgi_get("/kalender.ics", if_none_match=etag)[::2] == (304, False)
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        assert asgi_get("/kalender.ics", if_none_match=etag)[::2] == (299, True)
        changed = client.get("/kalender.ics", HTTP_HOST=HOST, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag
        # the new answer is the one known before Django now; the old one is not
        assert asgi_get("/kalender.ics", if_none_match=changed["ETag"])[::2] == (304, False)
        assert asgi_get("/kalender.ics", if_none_match=etag)[::2] == (299, True)


def test_without_a_trusted_version_every_poll_goes_to_django(client, world, settings):  # noqa: F811
    settings.CALENDAR_FEED_VERSION_SECONDS = 0
    calendar, _series = world
    add_event(calendar, title="Begegnungsfest")
    response = client.get("/kalender.ics", HTTP_HOST=HOST)
    assert asgi_get("/kalender.ics", if_none_match=response["ETag"])[::2] == (299, True)


def test_a_personal_feed_is_never_answered_before_django(client, world, trusted, make_user):  # noqa: F811
    from plugins.meetings.models import FeedToken

    _calendar, series = world
    series(1)
    person = make_user("person@example.org")
    path = reverse("plugins:meetings:feed", args=[FeedToken.for_user(person).token])
    response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    # the view itself answers it with 304 (after checking the token)...
    again = client.get(path, HTTP_HOST=HOST, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # ...and a token reset is seen at the next poll: it never skips the view
    assert asgi_get(path, if_none_match=response["ETag"])[::2] == (299, True)


def test_a_cache_that_does_not_answer_leaves_the_poll_to_django(public_feed, monkeypatch):
    class Down:
        def get_many(self, keys):
            raise ConnectionError("Redis is not running")

    monkeypatch.setattr("treffpunkt.calendar.polls.cache", Down())
    assert asgi_get("/kalender.ics", if_none_match=public_feed["ETag"])[::2] == (299, True)
