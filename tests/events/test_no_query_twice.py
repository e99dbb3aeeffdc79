"""An event page and the page after a sign-up ask the database each question once.

The Locale of the visitor's language was fetched four times per render (Wagtail's routing,
``Page.localized``, the menu, the event), the language links three times (header, language
suggestion, hreflang) and the view restrictions twice. Each request now has a memo
(``treffpunkt.core.requestmemo``); outside a request nothing is memoised."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from treffpunkt.core import requestmemo

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def _repeated(queries) -> list[str]:
    counted = Counter((q["sql"]) for q in queries)
    return [sql for sql, n in counted.items() if n > 1]


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_event_page_and_the_result_after_a_sign_up_repeat_no_query(
    client, event, commit, language
):
    prefix = "" if language == "de" else f"/{language}"
    with CaptureQueriesContext(connection) as page:
        response = client.get(prefix + event.url, **HOST)
    assert response.status_code == 200
    assert not _repeated(page.captured_queries)

    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    assert response.status_code == 302
    with CaptureQueriesContext(connection) as result:
        result_url = response["Location"]
        html = client.get(result_url, **HOST).content.decode()
    assert 'class="signup-result" role="status"' in html and "/anmeldung/ergebnis/" in result_url
    assert not _repeated(result.captured_queries)
    locale_lookups = [q for q in result.captured_queries if 'FROM "wagtailcore_locale"' in q["sql"]]
    assert len(locale_lookups) <= 2  # by language once, by id at most once


def test_a_locale_saved_during_the_request_is_asked_again(event):
    token = requestmemo._memo.set({})
    try:
        first = Locale.objects.get_for_language("de")
        assert Locale.objects.get_for_language("de") is first
        first.save()
        with CaptureQueriesContext(connection) as queries:
            again = Locale.objects.get_for_language("de")
        assert len(queries) == 1 and again is not first
    finally:
        requestmemo._memo.reset(token)


def test_concurrent_requests_keep_their_own_memo():
    import contextvars

    seen = []

    def request(value):
        requestmemo._memo.set({})
        requestmemo.memoized(("k",), lambda: value)
        seen.append(requestmemo.memoized(("k",), lambda: "other"))

    contextvars.copy_context().run(request, "first")
    contextvars.copy_context().run(request, "second")
    assert seen == ["first", "second"]
    assert requestmemo._memo.get() is None  # this context never had one


def test_the_page_restrictions_kept_for_a_request_end_with_it(client, event):
    """The restrictions our check read are handed to Wagtail's check of the same request;
    a page object that outlived its request asks the database again."""
    from wagtail.models import PageViewRestriction

    from treffpunkt.core.wagtail_hooks import restrictions_of_translations

    request = type("Request", (), {"user": None, "session": {}})()
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.get_full_path = lambda: event.url
    token = requestmemo._memo.set({})
    try:
        assert restrictions_of_translations(event, request, [], {}) is None
        with CaptureQueriesContext(connection) as queries:
            assert event.get_view_restrictions() == []
        assert len(queries) == 0
    finally:
        requestmemo._memo.reset(token)
    PageViewRestriction.objects.create(page=event, restriction_type="login")
    token = requestmemo._memo.set({})  # the next request
    try:
        assert [r.restriction_type for r in event.get_view_restrictions()] == ["login"]
    finally:
        requestmemo._memo.reset(token)


def test_a_members_one_click_sign_up_announces_with_the_requests_site(client, event, user, commit):
    """The request knows its site: a member's one-click sign-up is announced with it, and the
    event's site is not asked for again (it was read by id on top of the request's)."""
    from wagtail.models import Site

    from treffpunkt.signals import registration_confirmed

    heard = []

    def receiver(sender, registration, **kwargs):
        heard.append((sender, registration.email))

    client.force_login(user)
    address = event.url + "anmelden/"
    registration_confirmed.connect(receiver, dispatch_uid="test_requests_site")
    try:
        with commit(), CaptureQueriesContext(connection) as queries:  # the request, not its mail
            response = client.post(address, {"email": user.email, "party_size": "1"}, **HOST)
    finally:
        registration_confirmed.disconnect(dispatch_uid="test_requests_site")
    assert response.status_code == 302
    site = Site.objects.get(hostname="beckum.test")
    assert heard == [(site, user.email)]
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if '"wagtailcore_site"."id" = ' in q]


def test_a_sign_up_asks_for_its_form_once_under_the_lock(client, event, commit):
    """Whether this form was sent before is asked with the counting, in one query under the
    event's lock (and once before, to answer a double click whatever limit was reached)."""
    with commit():  # the first sign-up of its kind in a process plans the counting
        client.post(
            event.url + "anmelden/",
            {"email": "ben@example.org", "party_size": "1", "submission": "b" * 32},
            **HOST,
        )
    data = {"email": "amal@example.org", "party_size": "1", "submission": "a" * 32}
    with commit(), CaptureQueriesContext(connection) as queries:
        response = client.post(event.url + "anmelden/", data, **HOST)
    assert response.status_code == 302
    asked = [q["sql"] for q in queries.captured_queries if '"submission" = ' in q["sql"]]
    assert len(asked) == 2 and "COUNT(" in asked[1] and "SUM(" in asked[1]
    assert not _repeated(queries.captured_queries)
