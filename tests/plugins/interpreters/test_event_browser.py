"""In Chromium through the live server: a visitor signs up for an event and answers its
interpretation question, confirms by the mail's link (a POST), and the pool's coordinator
finds the request for the event's date, marked as made from its sign-ups."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from events.models import EventIndexPage, EventPage, Question, Registration
from plugins.interpreters.models import Request
from tests.conftest import ensure_wagtail_roots, make_site
from tests.helpers import body_text, links_in
from treffpunkt.accounts.roles import ensure_site_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
QUESTION = "Ich brauche eine Dolmetscherin / einen Dolmetscher für"


@pytest.fixture
def localhost_site(transactional_db):
    ensure_wagtail_roots()
    Site.objects.all().delete()
    return make_site("localhost", "Beckum", default=True)


def log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_sign_up_with_interpretation_reaches_the_coordinator(
    page, browser, live_server, smtp_settings, localhost_site, make_user
):
    roles = ensure_site_roles(localhost_site)
    manager = make_user("integration@example.org", first_name="Miriam", last_name="Adler")
    manager.groups.add(roles.members, roles.managers)
    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    localhost_site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    day = timezone.localdate() + dt.timedelta(days=10)
    start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 17))
    event = EventPage(
        title="Infoabend Ausbildung",
        slug="infoabend",
        start=start,
        end=start + dt.timedelta(hours=2),
        location_name="Berufskolleg",
        registration_enabled=True,
        capacity=30,
        max_party_size=4,
    )
    calendar.add_child(instance=event)
    event.save_revision().publish()
    question = Question.objects.create(
        event=event, label=QUESTION, kind="choice", choices="Arabisch\nUkrainisch\nFarsi"
    )
    event = EventPage.objects.get(pk=event.pk)

    page.set_default_timeout(20_000)
    page.goto(live_server.url + event.url)
    form = page.locator("#anmeldung")
    form.locator("[name=email]").fill("familie.h@example.org")
    form.locator("#id_party_size").fill("2")
    form.locator(f"[name=q{question.pk}]").select_option("Arabisch")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.HELD
    assert registration.answers[QUESTION] == "Arabisch"
    assert not Request.objects.exists()  # not before the address is confirmed

    (message,) = smtp_settings.to("familie.h@example.org")
    link = next(url for url in links_in(body_text(message)) if "/bestaetigen/" in url)
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, link))
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("[role=status]")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    request = Request.objects.get()
    assert (request.language, request.people, request.starts_at) == ("ara", 2, event.start)

    # the coordinator (the town's integration manager) finds it, marked as from the event
    context = browser.new_context(locale="de-DE")
    log_in(context, live_server, manager)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(f"{live_server.url}/dolmetschen/")
    row = tab.locator("#requests tbody tr")
    assert row.count() == 1
    assert "Aus den Anmeldungen zu Infoabend Ausbildung" in row.inner_text()
    assert row.locator(".from-event a").get_attribute("href") == event.url
    with tab.expect_navigation():
        row.locator("td a").first.click()
    assert tab.locator("#request-people").inner_text() == "2"
    assert "Berufskolleg" in tab.content()
    context.close()
