"""On a phone (390 px), in German: a signed-in counsellor of the network applies for a person
who has no email address, with the person's consent; the confirmation link comes to the
counsellor, and the confirmed application reaches the programme's coordinator, who sees who
applied and where mails for the person go. No page is wider than the phone; axe finds no
WCAG 2.1 AA violation on the way."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from plugins.mentoring.models import Application, Programme
from tests.conftest import ensure_wagtail_roots, make_site
from tests.helpers import assert_no_axe_violations
from treffpunkt.accounts import roles

from .conftest import make_mentor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 390


@pytest.fixture
def localhost_site(db, settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    ensure_wagtail_roots()
    Site.objects.all().delete()
    return make_site("localhost", "Beckum", default=True)


def _phone(browser, live_server, user):
    context = browser.new_context(
        locale="de-DE", viewport={"width": WIDTH, "height": 800}, is_mobile=True, has_touch=True
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return context, tab


def _check(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert_no_axe_violations(tab)


def test_counsellor_applies_without_an_address_and_the_coordinator_sees_it(
    live_server, browser, localhost_site, make_user
):
    coordinator = make_user("koordination@example.org", first_name="Petra", last_name="Lange")
    programme = Programme.objects.create(site=localhost_site, name="Patenschaften Beckum")
    programme.coordinators.add(coordinator)
    make_mentor(programme, "Nour Al-Hassan", languages="de,fa", offers=["authorities"])
    counsellor = make_user("beratung@caritas.example.org", first_name="Sabine", last_name="Roth")
    roles.make_network_member(counsellor, localhost_site)

    context, tab = _phone(browser, live_server, counsellor)
    tab.goto(live_server.url + reverse("plugins:mentoring:apply_for", args=[programme.pk]))
    assert tab.locator("html").get_attribute("lang") == "de"
    _check(tab)
    tab.get_by_label("Name der Person").fill("Ahmad Karimi")
    # no address: the person has none, the counsellor passes mails on
    tab.get_by_label("Sprache der E-Mails an die Person").select_option("ar")
    tab.locator("input[name=languages][value=fa]").check()
    tab.locator("input[name=languages][value=de]").check()
    tab.locator("input[name=seeks][value=authorities]").check()
    tab.locator("input[name=availability][value=weekday_afternoon]").check()
    tab.locator("input[name=share_phone]").check()
    tab.locator("input[name=consent]").check()
    tab.get_by_role("button", name="Bewerbung senden").click()
    tab.wait_for_url("**/patenschaften/bewerbung/danke/")
    _check(tab)

    application = Application.objects.get()
    assert application.applied_by == Application.AppliedBy.COUNSELLOR
    assert application.email == "" and application.counsellor == counsellor
    assert application.counsellor_name == "Sabine Roth" and application.consent_at
    assert application.language == "ar" and set(application.languages.split(",")) == {"fa", "de"}
    assert application.status == Application.Status.UNCONFIRMED

    # the double opt-in goes to the counsellor (in the person's language), who confirms
    (confirmation,) = mail.outbox
    assert confirmation.to == [counsellor.email] and "Ahmad Karimi" in confirmation.body
    link = re.search(r"https?://\S+/bewerbung/bestaetigen/\S+", confirmation.body).group(0)
    tab.goto(live_server.url + "/" + link.split("/", 3)[3])
    _check(tab)
    tab.locator("main form button[type=submit]").click()
    tab.get_by_role("status").wait_for()
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING
    context.close()

    # the coordinator finds it on the coordination page and sees who applied
    context, tab = _phone(browser, live_server, coordinator)
    tab.goto(live_server.url + reverse("plugins:mentoring:coordination"))
    _check(tab)
    tab.get_by_role("link", name="Ahmad Karimi").click()
    tab.wait_for_url(f"**/koordination/bewerbung/{application.pk}/")
    _check(tab)
    main = tab.locator("main")
    main.get_by_text("Für die Person angemeldet von Sabine Roth").wait_for()
    assert main.get_by_role("link", name=counsellor.email).count() == 1
    assert "Nour Al-Hassan" in main.inner_text()  # the suggestion for the application
    context.close()
