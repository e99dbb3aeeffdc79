"""Pages restricted in Wagtail (login, groups, password) stay restricted wherever their
content goes: calendar list and month, every feed, the event's own .ics, blocks, the
network page's upcoming events, search. Someone who passes the restriction sees them on the
site; public feeds (no person) never hold them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from wagtail.models import PageViewRestriction

from treffpunkt.calendar import build_feed, upcoming

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
SECRET = "Geheimes Vorbereitungstreffen"


def _restrict(page, kind: str, group=None):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password="pw" if kind == "password" else ""
    )
    if group is not None:
        restriction.groups.add(group)
    return restriction


@pytest.fixture
def helpers_group(db):
    return Group.objects.create(name="Helferkreis")


@pytest.fixture
def secret_event(make_event):
    make_event(title="Offenes Sprachcafé")
    return make_event(title=SECRET)


def _seen_in_site(client, calendar_page, event) -> dict[str, bool]:
    month = f"{event.start:%Y-%m}"
    pages = {
        "list": client.get(calendar_page.url, **HOST),
        "month": client.get(f"{calendar_page.url}?ansicht=monat&monat={month}", **HOST),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert "Offenes Sprachcafé" in response.content.decode(), name
    return {name: SECRET in r.content.decode() for name, r in pages.items()}


@pytest.mark.parametrize("kind", ["login", "groups", "password"])
def test_anonymous_visitors_and_public_feeds_never_get_a_restricted_event(
    client, site, calendar_page, secret_event, helpers_group, kind
):
    _restrict(secret_event, kind, helpers_group if kind == "groups" else None)
    assert _seen_in_site(client, calendar_page, secret_event) == {"list": False, "month": False}
    feed = client.get("/kalender.ics", **HOST).content.decode()
    assert "Offenes Sprachcafé" in feed and SECRET not in feed
    assert client.get(f"/kalender/veranstaltung/{secret_event.pk}.ics", **HOST).status_code == 404
    assert SECRET not in build_feed(site, None).decode()
    assert SECRET not in [e.title for e in upcoming(site, AnonymousUser(), limit=20)]


def test_a_restriction_on_the_calendar_page_covers_its_events(
    client, site, calendar_page, secret_event
):
    _restrict(calendar_page, "login")
    feed = client.get("/kalender.ics", **HOST).content.decode()
    assert SECRET not in feed and "Offenes Sprachcafé" not in feed
    assert client.get(f"/kalender/veranstaltung/{secret_event.pk}.ics", **HOST).status_code == 404


def test_people_who_pass_the_restriction_see_the_event_on_the_site_not_in_public_feeds(
    client, site, calendar_page, secret_event, make_user, helpers_group
):
    _restrict(secret_event, "groups", helpers_group)
    outsider = make_user("outsider@example.org")
    helper = make_user("helfer@example.org")
    helper.groups.add(helpers_group)

    client.force_login(outsider)
    assert _seen_in_site(client, calendar_page, secret_event) == {"list": False, "month": False}
    assert client.get(f"/kalender/veranstaltung/{secret_event.pk}.ics", **HOST).status_code == 404

    client.force_login(helper)
    assert _seen_in_site(client, calendar_page, secret_event) == {"list": True, "month": True}
    response = client.get(f"/kalender/veranstaltung/{secret_event.pk}.ics", **HOST)
    assert response.status_code == 200 and SECRET in response.content.decode()
    # the public feed is the same for everyone: it never holds restricted events
    assert SECRET not in client.get("/kalender.ics", **HOST).content.decode()


def test_login_restricted_event_is_seen_by_any_signed_in_person(
    client, site, calendar_page, secret_event, make_user
):
    _restrict(secret_event, "login")
    client.force_login(make_user("jemand@example.org"))
    assert _seen_in_site(client, calendar_page, secret_event) == {"list": True, "month": True}
    assert SECRET in [e.title for e in upcoming(site, make_user("b@example.org"), limit=20)]


def test_search_and_the_upcoming_block_leave_out_restricted_events(
    client, site, calendar_page, secret_event
):
    from wagtail.search.backends import get_search_backend

    _restrict(secret_event, "login")
    get_search_backend().add(secret_event)
    response = client.get("/suche/?q=Vorbereitungstreffen", **HOST)
    assert response.status_code == 200 and SECRET not in response.content.decode()

    from django.test import RequestFactory

    from treffpunkt.calendar.blocks import UpcomingEventsBlock

    request = RequestFactory().get("/", HTTP_HOST="beckum.test")
    request.user = AnonymousUser()
    block = UpcomingEventsBlock()
    html = block.render(block.to_python({"title": "Bald", "limit": 10}), {"request": request})
    assert "Offenes Sprachcafé" in html and SECRET not in html


def test_a_restriction_on_one_language_keeps_every_translation_out(
    client, site, calendar_page, secret_event
):
    from wagtail.models import Locale

    english = secret_event.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.title = "Secret preparation meeting"
    english.save_revision().publish()
    _restrict(secret_event, "login")  # the German page only
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert "Offenes Sprachcafé" in html
    assert SECRET not in html and "Secret preparation meeting" not in html
    assert client.get(f"/kalender/veranstaltung/{english.pk}.ics", **HOST).status_code == 404


def test_the_translation_of_a_restricted_page_is_restricted_too(
    client, site, calendar_page, secret_event, make_user
):
    from wagtail.models import Locale

    english = secret_event.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    english.refresh_from_db()
    url = english.get_url()
    assert client.get(url, **HOST).status_code == 200
    _restrict(secret_event, "login")  # the German page only
    response = client.get(url, **HOST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("jemand@example.org"))
    assert client.get(url, **HOST).status_code == 200
