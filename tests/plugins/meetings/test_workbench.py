"""The managers' "tasks due" panel on the admin's start page (issue 16): open tasks from the
minutes of their own town's meetings, overdue or due within a week, gone where the plugin is
off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage, Occurrence, Task
from plugins.meetings.schedule import TZ
from treffpunkt.plugins.models import PluginSettings

from .conftest import second_tuesday

BECKUM = {"HTTP_HOST": "beckum.test"}


def _row(series) -> Occurrence:
    return Occurrence.objects.create(
        series=series, original_start=dt.datetime(2026, 11, 10, 17, tzinfo=TZ)
    )


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"), **BECKUM)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def tasks(make_series, group, people, other_site):
    today = timezone.localdate()
    row = _row(make_series(title="Netzwerktreffen", working_group=group))
    member = people["member"]
    made = {
        "overdue": Task.objects.create(
            occurrence=row, title="Raum buchen", owner=member, due_date=today - dt.timedelta(3)
        ),
        "soon": Task.objects.create(
            occurrence=row, title="Flyer drucken", owner=None, due_date=today + dt.timedelta(5)
        ),
        "later": Task.objects.create(
            occurrence=row, title="Jahresbericht", owner=member, due_date=today + dt.timedelta(30)
        ),
        "done": Task.objects.create(
            occurrence=row, title="Einladung", owner=member, due_date=today, done=True
        ),
        "undated": Task.objects.create(occurrence=row, title="Ideen sammeln", owner=member),
    }
    far_index = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=far_index)
    far = MeetingSeriesPage(
        title="Borkener Runde",
        slug="borkener-runde",
        first_date=dt.date(2026, 1, 1),
        start_time=dt.time(17),
        end_time=dt.time(19),
        recurrence=second_tuesday(),
    )
    far_index.add_child(instance=far)
    Task.objects.create(occurrence=_row(far), title="Borken-Aufgabe", due_date=today)
    return made


def test_manager_sees_overdue_and_due_soon_of_own_town(client, tasks, people):
    html = _home(client, people["manager"])
    assert "Fällige Aufgaben (2)" in html
    assert "Raum buchen" in html and "überfällig seit" in html
    assert "Flyer drucken" in html and "niemand" in html
    assert "Amal Haddad" in html
    for absent in ("Jahresbericht", "Einladung", "Ideen sammeln", "Borken-Aufgabe"):
        assert absent not in html
    date_url = reverse(
        "plugins:meetings:date",
        args=[tasks["overdue"].occurrence.series_id, tasks["overdue"].occurrence.key],
    )
    assert date_url in html


def test_no_tasks_due_means_no_panel(client, tasks, people):
    Task.objects.filter(pk__in=[tasks["overdue"].pk, tasks["soon"].pk]).update(done=True)
    assert "Fällige Aufgaben" not in _home(client, people["manager"])


def test_plugin_off_removes_the_panel(client, tasks, people, site):
    PluginSettings.set_enabled(site, "meetings", False)
    html = _home(client, people["manager"])
    assert "Fällige Aufgaben" not in html and "Raum buchen" not in html
