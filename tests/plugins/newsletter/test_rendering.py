"""What a mail looks like: blocks with live content, absolute links, the plain-text part."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from plugins.newsletter.rendering import html_to_text, render_edition, unknown_placeholders
from treffpunkt.calendar import CalendarEntry
from treffpunkt.calendar.signals import calendar_entries

from .conftest import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprachcafe_on_the_calendar():
    start = timezone.now() + timedelta(days=3)

    def entries(sender, start=None, end=None, user=None, filters=None, **kwargs):
        if filters.get("action_field") not in (None, 7):
            return []
        return [
            CalendarEntry(
                uid="demo-1",
                title="Sprachcafé im Familienzentrum",
                start=start_at,
                end=start_at + timedelta(hours=2),
                url="/termine/sprachcafe/",
                location="Familienzentrum Beckum",
            )
        ]

    start_at = start
    calendar_entries.connect(entries, dispatch_uid="newsletter-test")
    yield
    calendar_entries.disconnect(dispatch_uid="newsletter-test")


def test_upcoming_events_block_lists_the_calendar_with_absolute_links(
    site, archive, sprachcafe_on_the_calendar
):
    page = make_issue(archive)
    page.body.append(("upcoming_events", {"title": "Nächste Termine", "limit": 3}))
    page.save_revision().publish()
    edition = render_edition(page, site)
    assert "Sprachcafé im Familienzentrum" in edition.html
    assert 'href="http://beckum.test/termine/sprachcafe/"' in edition.html
    assert "Familienzentrum Beckum" in edition.text
    assert "(http://beckum.test/termine/sprachcafe/)" in edition.text


def test_html_to_text_keeps_structure_and_links():
    text = html_to_text(
        "<html><head><style>p{color:red}</style></head><body><h1>Titel</h1>"
        "<p>Erster   Absatz mit <a href='https://example.org/x'>Link</a>.</p>"
        "<ul><li>eins</li><li>zwei</li></ul><p>Mehr</p></body></html>"
    )
    assert "color" not in text
    assert text.startswith("Titel\n")
    assert "Erster Absatz mit Link (https://example.org/x)." in text
    assert "- eins\n- zwei" in text


def test_placeholder_check_finds_typos_but_accepts_the_known_ones(archive):
    page = make_issue(archive, text="<p>{{ email }} {{unsubscribe_url}}</p>")
    assert unknown_placeholders(page) == []
    page.intro = "{{ Email }} {% if x %} {{ name"
    found = unknown_placeholders(page)
    assert "{{ Email }}" in found
    assert any(f.startswith("{%") for f in found)
    assert any(f.startswith("{{ name") for f in found)


def test_right_to_left_edition_sets_dir(site, archive, locales):
    from .conftest import translate

    page = make_issue(archive)
    arabic = translate(page, locales["ar"], "أخبار الشبكة", "<p>مرحبًا</p>")
    edition = render_edition(arabic, site)
    assert 'dir="rtl"' in edition.html and 'lang="ar"' in edition.html
    assert "إلغاء الاشتراك" in edition.html  # the footer's "Unsubscribe", translated


def test_working_group_news_links_to_the_group(site, archive):
    from tests.networks.conftest import build_network

    network = build_network(site)
    page = make_issue(archive)
    page.body.append(
        (
            "working_group_news",
            {"group": network.group, "title": "Aus der AG", "text": "Wir sammeln Beispiele."},
        )
    )
    page.save_revision().publish()
    edition = render_edition(page, site)
    assert "Aus der AG" in edition.html and "Wir sammeln Beispiele." in edition.text
    assert f'href="http://beckum.test{network.group.url}"' in edition.html
