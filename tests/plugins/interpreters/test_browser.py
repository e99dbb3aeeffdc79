"""On a phone (390 px), in Arabic: a network member files a request, the mediator opens the
offer link from the mail and accepts it (a POST), and after the appointment both record
the time, which confirms the hours; axe finds no WCAG 2.1 AA violation on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from plugins.interpreters.models import (
    Assignment,
    Availability,
    Mediator,
    MediatorLanguage,
    Offer,
    Request,
)
from tests.conftest import ensure_wagtail_roots, make_site
from tests.helpers import assert_no_axe_violations
from treffpunkt.accounts.roles import ensure_site_roles

from .conftest import every

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 390


@pytest.fixture
def localhost_site(db):
    ensure_wagtail_roots()
    Site.objects.all().delete()
    return make_site("localhost", "Beckum", default=True)


def phone_context(browser):
    return browser.new_context(
        locale="ar", viewport={"width": WIDTH, "height": 800}, is_mobile=True, has_touch=True
    )


def log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def check(page) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert_no_axe_violations(page)


def test_arabic_request_offer_accept_and_hours_on_a_phone(
    browser, live_server, localhost_site, make_user
):
    roles = ensure_site_roles(localhost_site)
    member = make_user("amal@example.org", first_name="أمل", preferred_language="ar")
    member.groups.add(roles.members)
    nour = make_user(
        "nour@example.org", first_name="نور", last_name="الخطيب", preferred_language="ar"
    )
    mediator = Mediator.objects.create(site=localhost_site, user=nour, gender="female")
    MediatorLanguage.objects.create(mediator=mediator, language="ara", dialect="", level=3)
    Availability.objects.create(
        mediator=mediator,
        recurrence=every(),
        start_time=dt.time(7),
        end_time=dt.time(20),
        starts_on=dt.date(2025, 1, 1),
    )
    day = timezone.localdate() + dt.timedelta(days=5)

    requester_ctx = phone_context(browser)
    page = requester_ctx.new_page()
    page.set_default_timeout(15_000)
    log_in(requester_ctx, live_server, member)
    page.goto(f"{live_server.url}/ar/dolmetschen/anfrage/")
    check(page)
    form = page.locator("form:has([name=place])")
    form.locator("[name=language]").select_option("ara")
    form.locator("[name=day]").fill(day.isoformat())
    form.locator("[name=time]").fill("10:00")
    form.locator("[name=topic]").select_option("school")
    form.locator("[name=place]").fill("مدرسة كوبرنيكوس، بيكوم")
    form.locator("[name=note]").fill("اجتماع أولياء الأمور")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/ar/dolmetschen/anfrage/\d+/$"))
    check(page)
    request = Request.objects.get()
    assert request.requester == member and request.language == "ara"
    assert timezone.localtime(request.starts_at).hour == 10

    # the offer mail, in the mediator's language, with its link
    (offer_mail,) = [m for m in mail.outbox if m.to == ["nour@example.org"]]
    link = re.search(r"https?://\S+/ar/dolmetschen/angebot/\S+/", offer_mail.body).group(0)
    mediator_ctx = phone_context(browser)
    tab = mediator_ctx.new_page()
    tab.set_default_timeout(15_000)
    tab.goto(live_server.url + "/" + link.split("/", 3)[3])
    check(tab)
    assert "كوبرنيكوس" not in tab.content()  # the place only after accepting
    assert not Assignment.objects.exists()  # opening the link answers nothing
    tab.locator("button[name=answer][value=accept]").click()
    tab.locator("#offer-outcome .success").wait_for()
    check(tab)
    assert "مدرسة كوبرنيكوس" in tab.content()
    assignment = Assignment.objects.get()
    assert assignment.mediator == mediator
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
    assert Request.objects.get().status == Request.Status.ASSIGNED

    # the appointment took place (yesterday): both record the time
    start = timezone.now() - dt.timedelta(days=1)
    Request.objects.filter(pk=request.pk).update(starts_at=start)
    Assignment.objects.filter(pk=assignment.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    log_in(mediator_ctx, live_server, nour)
    tab.goto(f"{live_server.url}/ar/dolmetschen/einsaetze/")
    check(tab)
    row = tab.locator(f"#assignment-{assignment.pk}")
    row.locator("[name$=minutes]").fill("70")
    row.locator("[name$=travel_km]").fill("4.5")
    with tab.expect_navigation():
        row.locator("button[type=submit]").click()
    check(tab)
    assignment.refresh_from_db()
    assert assignment.mediator_minutes == 70 and assignment.confirmed_at is None
    assert str(assignment.travel_km) == "4.5"

    page.goto(f"{live_server.url}/ar/dolmetschen/anfrage/{request.pk}/")
    page.locator("#request-hours [name$=minutes]").fill("65")
    page.locator("#request-hours button[type=submit]").click()
    page.locator("#confirmed-hours").wait_for()
    check(page)
    assignment.refresh_from_db()
    assert assignment.confirmed_minutes == 70 and assignment.requester_minutes == 65
    assert Request.objects.get().status == Request.Status.DONE
    requester_ctx.close()
    mediator_ctx.close()
