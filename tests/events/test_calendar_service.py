"""The calendar is a core service (treffpunkt.calendar): apps fill it and declare their kinds."""

from __future__ import annotations

import pytest

from events.models import ConferencePage
from treffpunkt.calendar import clean_filters, declared_kinds, kind_choices
from treffpunkt.core.models import ContentPage
from treffpunkt.plugins.models import PluginSettings

from .conftest import add_event, in_days

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def test_kinds_are_declared_by_the_apps_that_contribute_them(site):
    keys = [kind.key for kind in declared_kinds()]
    assert keys[:3] == ["event", "conference", "festival"]  # events/ (EventsConfig)
    assert "meeting" in keys  # the meetings plugin (MeetingsConfig)
    assert clean_filters({"kind": "meeting"}) == {"kind": "meeting"}
    assert clean_filters({"kind": "workshop"}) == {}  # declared by nobody: dropped
    PluginSettings.set_enabled(site, "meetings", False)
    site.refresh_from_db()
    assert "meeting" not in dict(kind_choices(site))
    assert "meeting" in dict(kind_choices(None))


def test_filter_form_offers_the_kinds_of_the_apps_on_for_the_site(client, site, calendar_page):
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert 'value="conference"' in html and 'value="meeting"' in html
    PluginSettings.set_enabled(site, "meetings", False)
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert 'value="conference"' in html and 'value="meeting"' not in html


def test_upcoming_block_of_the_core_shows_the_declared_kind_and_links_the_calendar(
    client, site, calendar_page
):
    add_event(calendar_page, title="Sprachcafé", start=in_days(2))
    add_event(calendar_page, ConferencePage, title="Fachtag Integration", start=in_days(3))
    page = ContentPage(title="Aktuelles", slug="aktuelles")
    page.body = [("upcoming_events", {"title": "Tagungen", "limit": 5, "kind": "conference"})]
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(page.url, **HOST).content.decode()
    assert "Tagungen" in html and "Fachtag Integration" in html
    assert "Sprachcafé" not in html
    assert f'href="{calendar_page.url}"' in html
