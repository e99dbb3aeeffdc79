"""In Chromium: a member adds an agenda item and answers; the host cancels; axe checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from wagtail.models import Collection, Locale, Page, Site

from plugins.meetings import schedule
from plugins.meetings.models import AgendaItem, Occurrence, Rsvp, Visibility
from tests.conftest import make_site
from tests.helpers import assert_no_axe_violations

from .conftest import weekly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(transactional_db):
    """The default site for the live server (host "localhost"); a flush removed the root."""
    locale, _ = Locale.objects.get_or_create(language_code="de")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root", locale=locale)
    Site.objects.all().delete()
    return make_site("localhost", "Beckum", default=True)


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def _next_date(series):
    now = dt.datetime.now(schedule.TZ)
    return schedule.expand(series, now + dt.timedelta(days=1), now + dt.timedelta(days=30))[0]


def test_member_adds_topic_and_answers_host_cancels(
    browser, page, live_server, make_series, group, people
):
    series = make_series(
        title="AG-Treffen", visibility=Visibility.GROUP, working_group=group, recurrence=weekly()
    )
    date = _next_date(series)
    url = live_server.url + date.url()

    _log_in(page, live_server, people["member"])
    page.goto(url)
    page.get_by_label("Thema").fill("Sprachmittlerpool vorstellen")
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    page.wait_for_selector(".message--success")
    assert "Sprachmittlerpool vorstellen" in page.locator("#agenda").inner_text()
    page.get_by_label("ja").check()
    page.get_by_role("button", name="Antwort speichern").click()
    page.wait_for_selector(".message--success")
    assert "1 ja, 0 vielleicht, 0 nein" in page.content()
    assert AgendaItem.objects.get().author == people["member"]
    assert Rsvp.objects.get().answer == "yes"

    host = browser.new_context(locale="de-DE").new_page()
    _log_in(host, live_server, people["coordinator"])
    host.goto(url)
    host.get_by_label("Grund (für die Mitglieder sichtbar)").fill("Krankheit")
    host.get_by_role("button", name="Termin absagen").click()
    host.wait_for_selector(".message--success")
    host.context.close()

    page.reload()
    status = page.locator("#date-status").inner_text()
    assert "Dieser Termin fällt aus." in status and "Krankheit" in status
    assert page.get_by_role("button", name="Antwort speichern").count() == 0
    assert Occurrence.objects.get().status == "cancelled"


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_public_meeting_pages_have_no_axe_violations(
    page, live_server, make_series, meeting_index, prefix
):
    series = make_series(title="Sprachcafé", visibility=Visibility.PUBLIC, recurrence=weekly())
    date = _next_date(series)
    for path in [meeting_index.url, series.url, date.url()]:
        page.goto(live_server.url + prefix + path)
        assert page.locator("h1").count() == 1
        assert_no_axe_violations(page)
