"""The calendar's cards are kept as HTML per everything they show (issue 15): a warm process
renders no card it showed before, and a changed title, a cancellation or another language
is another card at once."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
CARD = "events/includes/entry.html"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    from events.templatetags import calendar_entries

    settings.PAGE_CACHE_SECONDS = 0
    calendar_entries._kept.clear()  # noqa: SLF001 - a card of an earlier test is no card here


def _get(path):
    response = Client().get(path, **HOST)
    assert response.status_code == 200
    return response


def test_a_card_shown_before_is_not_rendered_again_and_a_change_shows(calendar_page, make_event):
    event = make_event(title="Begegnungscafé")
    cold = _get(calendar_page.url)
    assert CARD in {t.name for t in cold.templates}
    warm = _get(calendar_page.url)
    assert CARD not in {t.name for t in warm.templates}
    assert cold.content.decode().count("event-entry card") == 1
    assert warm.content.decode().count("event-entry card") == 1
    assert "Begegnungscafé" in warm.content.decode()

    event.title = "Internationales Café"
    event.cancelled = True
    event.save_revision().publish()
    html = _get(calendar_page.url).content.decode()
    assert "Internationales Café" in html and "Begegnungscafé" not in html
    assert "is-cancelled" in html


def test_each_language_has_its_own_card(calendar_page, make_event):
    from django.utils.translation import gettext, override

    make_event(title="Begegnungscafé", cancelled=True)
    german = _get(calendar_page.url).content.decode()
    english = _get("/en" + calendar_page.url).content.decode()
    with override("en"):
        cancelled_en = gettext("Cancelled")
    with override("de"):
        cancelled_de = gettext("Cancelled")
    assert cancelled_de != cancelled_en
    assert f'badge--cancelled">{cancelled_de}<' in german
    assert f'badge--cancelled">{cancelled_en}<' in english


FORM = "includes/form.html"


def test_the_blank_filters_are_kept_and_a_filter_or_a_new_action_field_shows(
    calendar_page, site, monkeypatch
):
    """Without a filter the calendar's filter form and views are kept with the page (a warm
    process renders no form); a filter chosen shows in its form, and a new action field is
    offered at once."""
    from events.forms import CalendarFilterForm
    from networks.models import ActionField
    from treffpunkt.core import formhtml

    formhtml.forget_all()
    built = []
    real_init = CalendarFilterForm.__init__

    def counting_init(self, *args, **kwargs):
        built.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(CalendarFilterForm, "__init__", counting_init)
    cold = _get(calendar_page.url)
    assert FORM in {t.name for t in cold.templates} and len(built) == 1
    warm = _get(calendar_page.url)
    assert FORM not in {t.name for t in warm.templates} and len(built) == 1
    assert warm.content.decode().count('name="action_field"') == 1
    assert 'aria-current="page">' in warm.content.decode()

    chosen = _get(calendar_page.url + "?kind=event&start=2026-12-24").content.decode()
    assert 'value="2026-12-24"' in chosen and 'value="event" selected' in chosen
    assert 'value="2026-12-24"' not in _get(calendar_page.url).content.decode()

    ActionField.objects.create(site=site, name="Wohnen im Quartier", slug="wohnen-quartier")
    assert "Wohnen im Quartier" in _get(calendar_page.url).content.decode()
