"""On a phone, in Arabic: a mentee applies, confirms by the mail's link, accepts the proposed
mentor and sends the first check-in; axe finds no WCAG 2.1 AA violation on the way."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from plugins.mentoring import services
from plugins.mentoring.models import Application, CheckIn, Match, Programme
from tests.conftest import ensure_wagtail_roots, make_site
from tests.helpers import assert_no_axe_violations

from .conftest import make_mentor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="ar", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_arabic_application_on_a_phone_to_first_check_in(live_server, phone, localhost_site):
    programme = Programme.objects.create(site=localhost_site, name="Lesepaten Beckum")
    mentor = make_mentor(programme, "Nour Al-Hassan", languages="de,ar")
    phone.goto(f"{live_server.url}/ar/patenschaften/{programme.pk}/bewerben/")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("html").get_attribute("lang") == "ar"
    assert_no_axe_violations(phone)
    # nothing is wider than the phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label("بريدك الإلكتروني").fill("rania@example.org")
    phone.locator("[name=name]").fill("رانيا حداد")
    phone.get_by_label("العربية").check()
    phone.get_by_label("الواجبات المدرسية والمدرسة").check()
    phone.get_by_label("أيام الأسبوع، بعد الظهر").check()
    phone.locator("[name=consent]").check()
    phone.get_by_role("button", name="إرسال الطلب").click()
    phone.wait_for_url("**/ar/patenschaften/bewerbung/danke/")
    assert_no_axe_violations(phone)

    (confirmation,) = mail.outbox
    assert "يرجى تأكيد طلبك" in confirmation.subject
    link = re.search(r"https?://\S+/bestaetigen/\S+", confirmation.body).group(0)
    phone.goto(live_server.url + _path(link))
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="نعم، أؤكد طلبي").click()
    phone.get_by_role("status").wait_for()
    application = Application.objects.get()
    assert application.status == Application.Status.WAITING
    assert application.language == "ar" and application.name == "رانيا حداد"

    # the coordinator proposes, the mentor accepts (both covered in test_flow.py)
    match = services.propose(application, mentor, by=None)
    services.accept(match, "mentor")
    proposal = next(
        m for m in mail.outbox if m.to == ["rania@example.org"] and "/antwort/" in m.body
    )
    answer = re.search(r"https?://\S+/antwort/\S+", proposal.body).group(0)
    phone.goto(live_server.url + _path(answer))
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="نعم، أوافق").click()
    phone.get_by_role("status").wait_for()
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE

    # the first meeting took place (no date was arranged, so it is asked at once)
    phone.get_by_label("نعم", exact=True).check()
    phone.get_by_label("في أي يوم؟").fill(timezone.localdate().isoformat())
    phone.get_by_role("button", name="حفظ").click()
    phone.get_by_role("status").filter(has_text="لقد سجّلنا ذلك").wait_for()
    assert_no_axe_violations(phone)
    match.refresh_from_db()
    assert match.first_meeting_held is True and match.first_meeting_recorded_by == "mentee"

    phone.get_by_label("صعب").check()
    phone.get_by_label("يرجى التواصل معي").check()
    phone.get_by_role("button", name="إرسال", exact=True).click()
    phone.get_by_role("status").filter(has_text="شكرًا لإخبارنا").wait_for()
    assert_no_axe_violations(phone)
    checkin = CheckIn.objects.get()
    assert (checkin.side, checkin.mood, checkin.please_contact) == ("mentee", "difficult", True)
