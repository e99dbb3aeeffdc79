"""An event page's own rows (programme, questions, helper shifts, workshops, organisers,
action fields) are read once per page and chrome generation and kept (events/kept.py): a
warm process asks none of them again, and any change of them shows at once (issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import HelperShift, ProgrammeItem, Question, Workshop
from networks.models import Organisation

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
KEPT_TABLES = (
    '"events_question"',
    '"events_helpershift"',
    '"events_programmeitem"',
    '"events_workshop"',
    '"networks_organisation"',
    '"networks_actionfield"',
)


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def dressed(festival, site):
    Question.objects.create(event=festival, label="Bringen Sie Kinder mit?", kind="yes_no")
    ProgrammeItem.objects.create(event=festival, title="Eröffnung", starts="14:00")
    festival.organisers.add(Organisation.objects.create(site=site, name="Caritas Beckum"))
    festival.save()
    return festival


def _page(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **HOST)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_a_warm_process_asks_for_none_of_the_pages_own_rows(client, dressed, prefix):
    html, cold = _page(client, prefix + dressed.url)
    assert any('"events_question"' in sql for sql in cold)
    warm_html, warm = _page(client, prefix + dressed.url)
    asked = [sql for sql in warm if any(table in sql for table in KEPT_TABLES)]
    assert not asked, asked
    for shown in ("Bringen Sie Kinder mit?", "Eröffnung", "Caritas Beckum", "Aufbau"):
        assert shown in warm_html


def test_the_conferences_workshops_are_kept(client, conference):
    _page(client, conference.url)
    html, warm = _page(client, conference.url)
    assert not [sql for sql in warm if '"events_workshop"' in sql]
    assert "Wohnen" in html and "Sprache" in html


def test_each_change_of_a_kept_row_shows_at_once(client, dressed, site):
    _page(client, dressed.url)
    question = Question.objects.get(event=dressed)
    question.label = "Essen Sie vegetarisch?"
    question.save()
    shift = HelperShift.objects.get(festival=dressed, title="Aufbau")
    shift.title = "Abbau"
    shift.save()
    item = ProgrammeItem.objects.get(event=dressed)
    item.title = "Tanz"
    item.save()
    organisation = Organisation.objects.get(name="Caritas Beckum")
    organisation.name = "Diakonie Beckum"
    organisation.save()
    html, _queries = _page(client, dressed.url)
    for now in ("Essen Sie vegetarisch?", "Abbau", "Tanz", "Diakonie Beckum"):
        assert now in html, now
    for before in ("Bringen Sie Kinder mit?", "Aufbau", "Eröffnung", "Caritas Beckum"):
        assert before not in html, before
    HelperShift.objects.filter(festival=dressed, title="Abbau").delete()
    assert "Abbau" not in _page(client, dressed.url)[0]


def test_the_host_working_groups_title_is_kept_and_follows_a_rename(client, dressed, site):
    from networks.models import WorkingGroupIndexPage, WorkingGroupPage

    index = WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen")
    site.root_page.add_child(instance=index)
    group = WorkingGroupPage(title="AG Begegnung", slug="ag-begegnung", purpose="Feste")
    index.add_child(instance=group)
    group.save_revision().publish()
    dressed.working_group = group
    dressed.save_revision().publish()
    _page(client, dressed.url)
    html, warm = _page(client, dressed.url)
    assert "AG Begegnung" in html
    assert not [sql for sql in warm if '"networks_workinggrouppage"' in sql], warm
    group.title = "AG Feste und Begegnung"
    group.save_revision().publish()
    assert "AG Feste und Begegnung" in _page(client, dressed.url)[0]


def test_a_new_workshop_shows_at_once(client, conference):
    _page(client, conference.url)
    Workshop.objects.create(conference=conference, title="Arbeit", capacity=5)
    assert "Arbeit" in _page(client, conference.url)[0]


def test_a_sign_up_answers_the_kept_questions(client, dressed, commit):
    from events.models import Registration

    _page(client, dressed.url)
    question = Question.objects.get(event=dressed)
    with commit():
        response = client.post(
            dressed.url + "anmelden/",
            {"email": "nour@example.org", "party_size": "1", f"q{question.pk}": "on"},
            **HOST,
        )
    assert response.status_code == 302
    registration = Registration.objects.get(email="nour@example.org")
    assert registration.answers == {"Bringen Sie Kinder mit?": True}
