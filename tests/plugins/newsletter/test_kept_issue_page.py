"""An issue's web page keeps its blocks' HTML (issue 15): text, images and group news until
the page changes, the "upcoming events" block until the first of its dates is over (five
minutes at most) or content changes. Nothing shows escaped, nothing stale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from treffpunkt.calendar import CalendarEntry
from treffpunkt.calendar.signals import calendar_entries

from .conftest import add_subscribers, make_issue

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
BLOCK_TEMPLATES = {
    "newsletter/blocks/upcoming_events.html",
    "newsletter/blocks/working_group_news.html",
}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def on_the_calendar():
    now = timezone.now()
    shown = [
        CalendarEntry(
            uid="cafe",
            title="Sprachcafé im Familienzentrum",
            start=now - timedelta(minutes=50),
            end=now + timedelta(minutes=10),
            url="/termine/sprachcafe/",
        ),
        CalendarEntry(
            uid="fest",
            title="Begegnungsfest im Park",
            start=now + timedelta(days=3),
            end=now + timedelta(days=3, hours=5),
            url="/veranstaltungen/fest/",
        ),
    ]

    def entries(sender, start=None, end=None, **kwargs):
        return [e for e in shown if e.end > start and e.start < end]

    calendar_entries.connect(entries, dispatch_uid="kept-issue-test")
    yield shown
    calendar_entries.disconnect(dispatch_uid="kept-issue-test")


@pytest.fixture
def sent_issue(site, archive, django_capture_on_commit_callbacks):
    from networks.models import WorkingGroupIndexPage, WorkingGroupPage
    from plugins.newsletter import delivery

    index = WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen")
    site.root_page.add_child(instance=index)
    group = WorkingGroupPage(title="AG Wohnen", slug="ag-wohnen", purpose="Wohnungen")
    index.add_child(instance=group)
    group.save_revision().publish()
    page = make_issue(archive, title="Ausgabe Mai", text="<p>Wir treffen uns <b>jeden</b> Tag.</p>")
    page.body.append(("upcoming_events", {"title": "Nächste Termine", "limit": 3}))
    page.body.append(
        ("working_group_news", {"group": group, "title": "Aus der AG", "text": "Neu & gut"})
    )
    page.save_revision().publish()
    add_subscribers(site, 1)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_mailing(page, None)
    return page


def _get(client, path):
    response = client.get(path, **HOST)
    assert response.status_code == 200
    return response, response.content.decode()


def test_a_warm_process_renders_no_block_again_and_escapes_nothing_twice(
    client, sent_issue, on_the_calendar
):
    cold, first = _get(client, sent_issue.url)
    assert {t.name for t in cold.templates} >= BLOCK_TEMPLATES
    warm, second = _get(Client(), sent_issue.url)
    assert not BLOCK_TEMPLATES & {t.name for t in warm.templates}
    for html in (first, second):
        assert "Wir treffen uns <b>jeden</b> Tag." in html
        assert "Neu &amp; gut" in html and "&lt;" not in html
        assert "Sprachcafé im Familienzentrum" in html and "Begegnungsfest im Park" in html
        assert 'href="/netzwerk/arbeitsgruppen/ag-wohnen/"' in html or "AG Wohnen" in html


def test_a_warm_process_converts_no_block(client, sent_issue, on_the_calendar):
    """Going over the stream converted every block before its kept HTML was looked up: the
    working group a block chooses was read from the database on every render."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _get(client, sent_issue.url)
    with CaptureQueriesContext(connection) as ctx:
        _response, html = _get(Client(), sent_issue.url)
    assert "Aus der AG" in html and "<h2>Sprachcafé</h2>" in html
    assert not [q for q in ctx.captured_queries if "networks_workinggrouppage" in q["sql"]]


def test_a_heading_is_escaped(client, sent_issue, on_the_calendar):
    sent_issue.body[0] = ("heading", "Wohnen & <Arbeit>")
    sent_issue.save_revision().publish()
    _response, html = _get(client, sent_issue.url)
    assert "<h2>Wohnen &amp; &lt;Arbeit&gt;</h2>" in html


def test_a_date_that_is_over_leaves_the_block_when_it_ends(client, sent_issue, on_the_calendar):
    assert "Sprachcafé im Familienzentrum" in _get(client, sent_issue.url)[1]
    with freeze_time(timezone.now() + timedelta(minutes=9)):
        assert "Sprachcafé im Familienzentrum" in _get(client, sent_issue.url)[1]
    with freeze_time(timezone.now() + timedelta(minutes=11)):
        html = _get(client, sent_issue.url)[1]
    assert "Sprachcafé im Familienzentrum" not in html and "Begegnungsfest im Park" in html


def test_content_changes_show_at_once(client, sent_issue, on_the_calendar):
    _get(client, sent_issue.url)
    now = timezone.now()
    on_the_calendar.append(
        CalendarEntry(
            uid="konferenz",
            title="Integrationskonferenz",
            start=now + timedelta(days=1),
            end=now + timedelta(days=1, hours=6),
            url="/veranstaltungen/konferenz/",
        )
    )
    sent_issue.body[1] = ("text", "<p>Wir treffen uns montags.</p>")
    sent_issue.save_revision().publish()
    html = _get(client, sent_issue.url)[1]
    assert "Integrationskonferenz" in html
    assert "Wir treffen uns montags." in html and "jeden" not in html


def test_each_language_has_its_own_copy(client, sent_issue, on_the_calendar):
    german = _get(client, sent_issue.url)[1]
    arabic = _get(client, "/ar" + sent_issue.url)[1]
    assert '<html lang="ar" dir="rtl">' in arabic
    # the dates are written in the visitor's language
    assert german != arabic
    assert _get(client, "/ar" + sent_issue.url)[1].count("Begegnungsfest im Park") == 1


def test_a_cancelled_date_says_so_on_the_page_and_in_the_mail(
    client, site, sent_issue, on_the_calendar
):
    import dataclasses

    from plugins.newsletter.rendering import render_edition

    on_the_calendar[1] = dataclasses.replace(on_the_calendar[1], cancelled=True)
    sent_issue.save_revision().publish()  # content changed: the block is made again
    html = _get(client, sent_issue.url)[1]
    assert "Begegnungsfest im Park" in html
    assert 'badge--cancelled">Abgesagt' in html
    edition = render_edition(sent_issue, site)
    assert "Abgesagt" in edition.html
