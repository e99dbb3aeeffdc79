"""Restricted pages stay out of what the newsletter sends and lists: the archive, its RSS
feed and the "upcoming events" block of an issue (which goes to the public by mail)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone
from wagtail.models import PageViewRestriction

from .conftest import add_subscribers, make_issue

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def test_a_restricted_issue_is_neither_in_the_archive_nor_in_the_rss_feed(
    client, site, archive, django_capture_on_commit_callbacks
):
    from plugins.newsletter import delivery

    add_subscribers(site, 1)
    public = make_issue(archive, title="Ausgabe Mai")
    internal = make_issue(archive, title="Interne Ausgabe")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_mailing(public, None)
        delivery.start_mailing(internal, None)
    PageViewRestriction.objects.create(page=internal, restriction_type="login")
    html = client.get("/newsletter-archiv/", **HOST).content.decode()
    assert "Ausgabe Mai" in html and "Interne Ausgabe" not in html
    feed = client.get("/newsletter-archiv/feed/", **HOST).content
    assert b"Ausgabe Mai" in feed and b"Interne Ausgabe" not in feed


def test_the_upcoming_events_block_of_a_mail_leaves_out_restricted_events(site):
    from events.models import EventIndexPage, EventPage

    calendar = EventIndexPage(title="Kalender", slug="kalender")
    site.root_page.add_child(instance=calendar)
    start = timezone.now() + timedelta(days=3)
    for title in ("Offenes Fest", "Internes Vorbereitungstreffen"):
        event = EventPage(
            title=title,
            slug=title.lower().replace(" ", "-"),
            start=start,
            end=start + timedelta(hours=2),
        )
        calendar.add_child(instance=event)
        event.save_revision().publish()
    PageViewRestriction.objects.create(
        page=EventPage.objects.get(title="Internes Vorbereitungstreffen"), restriction_type="login"
    )
    template = Template(
        "{% load newsletter_tags %}{% upcoming_entries value site as entries %}"
        "{% for e in entries %}{{ e.title }};{% endfor %}"
    )
    out = template.render(Context({"value": {"limit": 10, "action_field": None}, "site": site}))
    assert "Offenes Fest" in out and "Internes Vorbereitungstreffen" not in out
