"""Where every process shares the cache (Redis), a signed-in person's session is read from
it (settings: SESSION_ENGINE treffpunkt.accounts.sessions, Django's cached_db): no session query on the pages they open, and
every way a session ends still ends it at once."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "treffpunkt.accounts.sessions"
    settings.PAGE_CACHE_SECONDS = 0


def _signed_in(client) -> bool:
    response = client.get("/konto/", **HOST)
    return response.status_code == 200


def test_a_page_reads_the_session_from_the_cache(client, site, make_user, cached_sessions):
    client.force_login(make_user("person@example.org"))
    client.get("/", **HOST)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", **HOST).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    # nor their row: the process keeps it between requests (treffpunkt.accounts.keptuser)
    assert not [q for q in queries.captured_queries if '"accounts_user"' in q["sql"]]


def test_a_session_ended_from_another_device_ends_at_once(client, site, make_user, cached_sessions):
    from allauth.usersessions.models import UserSession

    from tests.conftest import PASSWORD

    person = make_user("person@example.org")
    response = client.post(
        "/accounts/login/", {"login": person.email, "password": PASSWORD}, **HOST
    )
    assert response.status_code == 302
    assert _signed_in(client)
    key = client.session.session_key
    # the account's sessions page ("sign out other sessions") ends it through allauth
    record = UserSession.objects.get(user=person, session_key=key)
    record.end()
    assert not _signed_in(client)


def test_a_password_changed_elsewhere_signs_the_session_out(
    client, site, make_user, cached_sessions
):
    person = make_user("person@example.org")
    client.force_login(person)
    assert _signed_in(client)
    person.set_password("ein-ganz-neues-Passwort-2026")
    person.save()
    assert not _signed_in(client)


def test_a_deactivated_account_is_signed_out(client, site, make_user, cached_sessions):
    person = make_user("person@example.org")
    client.force_login(person)
    assert _signed_in(client)
    person.is_active = False
    person.save()
    assert not _signed_in(client)


def test_a_cache_emptied_by_a_restart_signs_nobody_out(client, site, make_user, cached_sessions):
    from django.core.cache import cache

    client.force_login(make_user("person@example.org"))
    assert _signed_in(client)
    cache.clear()  # what a Redis restart leaves
    assert _signed_in(client)


def test_a_name_changed_shows_on_the_next_page(client, site, make_user, cached_sessions):
    person = make_user("person@example.org", first_name="Amal")
    client.force_login(person)
    assert "Amal" in client.get("/konto/", **HOST).content.decode()
    person.first_name = "Amira"
    person.save(update_fields=["first_name"])
    html = client.get("/konto/", **HOST).content.decode()
    assert "Amira" in html and "Amal" not in html


def test_a_row_changed_behind_the_signals_back_counts_within_a_minute(
    client, site, make_user, cached_sessions, monkeypatch
):
    """A script's queryset update sends no signal: the kept row serves at most MAX_AGE
    seconds, then the row is read again."""
    import time

    from django.contrib.auth import get_user_model

    from treffpunkt.accounts import keptuser

    person = make_user("person@example.org")
    client.force_login(person)
    assert _signed_in(client)
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)
    later = time.monotonic() + keptuser.MAX_AGE + 1
    monkeypatch.setattr(keptuser.time, "monotonic", lambda: later)
    assert not _signed_in(client)


def test_without_a_shared_cache_the_row_is_read_every_time(
    client, site, make_user, cached_sessions, settings
):
    settings.CACHE_SHARED_BY_PROCESSES = False
    client.force_login(make_user("person@example.org"))
    client.get("/", **HOST)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", **HOST).status_code == 200
    assert [q for q in queries.captured_queries if '"accounts_user"' in q["sql"]]


def test_each_person_gets_their_own_row(site, make_user, cached_sessions):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(make_user("nour@example.org", first_name="Nour"))
    second.force_login(make_user("jan@example.org", first_name="Jan"))
    for _round in range(2):
        one = first.get("/konto/", **HOST).content.decode()
        two = second.get("/konto/", **HOST).content.decode()
        assert "Nour" in one and "Jan" not in one
        assert "Jan" in two and "Nour" not in two


def test_accounts_switched_off_in_bulk_in_the_admin_are_signed_out_at_once(
    site, make_user, staff, cached_sessions
):
    """Wagtail's bulk action changes the rows with QuerySet.update, which sends no signal
    (found by the adversarial review)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    person = make_user("troll@example.org", first_name="Troll")
    admin, them = Client(), Client()
    admin.force_login(staff)
    them.force_login(person)
    assert admin.get("/admin/users/", **HOST).status_code == 200
    assert _signed_in(them)  # the process now keeps their row
    url = f"/admin/bulk/accounts/user/set_active_state/?id={person.pk}&next=/admin/users/"
    assert admin.post(url, {"mark_as_active": "False"}, **HOST).status_code == 302
    assert get_user_model().objects.get(pk=person.pk).is_active is False
    assert not _signed_in(them)


def test_renew_kept_makes_a_change_by_hand_count_at_once(site, make_user, cached_sessions):
    """After rows were changed behind the signals' back, ``manage.py renew_kept`` renews
    what every process keeps of people (their rows and roles) and leaves the rest alone."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command

    from treffpunkt.accounts import roles

    person = make_user("person@example.org")
    client = Client()
    client.force_login(person)
    assert _signed_in(client)
    assert not roles.is_network_member(get_user_model().objects.get(pk=person.pk), site)
    through = get_user_model().groups.through
    members = roles.ensure_site_roles(site).members
    through.objects.bulk_create([through(user_id=person.pk, group_id=members.pk)])
    cache.set("treffpunkt:test:other", "bleibt", None)
    call_command("renew_kept", stdout=io.StringIO())
    assert roles.is_network_member(get_user_model().objects.get(pk=person.pk), site)
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)
    call_command("renew_kept", stdout=io.StringIO())
    assert not _signed_in(client)
    assert cache.get("treffpunkt:test:other") == "bleibt"


def test_a_session_ended_with_the_async_api_is_not_loaded_again_from_the_first_round_trip(
    site, make_user, cached_sessions
):
    """The session is read in the request's first round trip (treffpunkt.core.prefetch); a
    session deleted through Django's async API is not loaded from that value afterwards."""
    from asgiref.sync import async_to_sync
    from django.core.cache import cache

    from treffpunkt.accounts.sessions import SessionStore
    from treffpunkt.core import prefetch, requestmemo

    store = SessionStore()
    store["_auth_user_id"] = str(make_user("person@example.org").pk)
    store.create()
    key, cache_key = store.session_key, store.cache_key
    token = requestmemo._memo.set({})
    try:
        prefetch.seed_found([cache_key], cache.get_many([cache_key]))  # as find_site does
        async_to_sync(SessionStore(key).adelete)()
        assert SessionStore(key).load() == {}
    finally:
        requestmemo._memo.reset(token)
