"""In a real browser: subscribe, confirm through the mail, change the language, unsubscribe;
axe finds no WCAG 2.1 AA violation on the subscription pages and the archive."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from wagtail.models import Site

from plugins.newsletter import delivery
from plugins.newsletter.models import NewsletterIndexPage, Subscriber, Topic
from tests.conftest import ensure_wagtail_roots, make_site
from tests.helpers import assert_no_axe_violations

from .conftest import add_subscribers, make_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


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
    site = make_site("localhost", "Beckum", default=True)
    Topic.objects.create(site=site, name="Veranstaltungen")
    return site


def test_subscribe_confirm_change_language_unsubscribe(live_server, page, localhost_site):
    page.goto(live_server.url + "/newsletter/")
    assert_no_axe_violations(page)
    page.get_by_label("E-Mail-Adresse").fill("leila@example.org")
    page.get_by_label("Sprache des Newsletters").select_option("en")
    page.get_by_label("Veranstaltungen").check()
    page.get_by_label(re.compile("Ich möchte den Newsletter")).check()
    page.get_by_role("button", name="Abonnieren").click()
    page.wait_for_url("**/newsletter/danke/")
    assert_no_axe_violations(page)

    confirmation = mail.outbox[-1]
    link = re.search(r"https?://\S+", confirmation.body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.goto(live_server.url + path)
    assert_no_axe_violations(page)
    page.get_by_role("button").filter(has_text=re.compile("subscribe", re.I)).click()
    page.get_by_role("status").wait_for()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED

    page.get_by_role("link", name=re.compile("topics or language", re.I)).click()
    assert_no_axe_violations(page)
    page.get_by_label(re.compile("Language of the newsletter", re.I)).select_option("tr")
    page.get_by_role("button", name=re.compile("Save", re.I)).click()
    page.get_by_role("status").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.language == "tr"

    page.get_by_role("button", name=re.compile("Unsubscribe", re.I)).click()
    page.get_by_role("status").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_subscription_pages_and_archive_have_no_axe_violations(
    live_server, page, localhost_site, prefix
):
    index = NewsletterIndexPage(title="Newsletter-Archiv", slug="newsletter-archiv")
    localhost_site.root_page.add_child(instance=index)
    index.save_revision().publish()
    issue = make_issue(index)
    add_subscribers(localhost_site, 1)
    delivery.drain(delivery.start_mailing(issue, None).pk)
    person = Subscriber.objects.get()

    for path in [
        "/newsletter/",
        "/newsletter-archiv/",
        f"/newsletter-archiv/{issue.slug}/",
        f"/newsletter/einstellungen/{person.token}/",
        f"/newsletter/abmelden/{person.token}/",
        "/newsletter/einstellungen/falsch/",
    ]:
        page.goto(live_server.url + prefix + path)
        assert_no_axe_violations(page)
