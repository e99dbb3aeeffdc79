"""A meeting date can ask for a mediator: its hosts who may request mediators get "request
a language mediator for this date" (the meetings plugin's public ``date_host_links``
signal; meetings imports nothing of the pool), which opens the request form filled in."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
import recurrence
from dateutil import rrule
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plugins.interpreters.models import Request
from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage, Visibility
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db
BECKUM = "beckum.test"
BUTTON = "Sprachmittlung für diesen Termin anfragen"


@pytest.fixture
def series(site):
    index = MeetingIndexPage(title="Treffen", slug="treffen-seite")
    site.root_page.add_child(instance=index)
    day = timezone.localdate() + dt.timedelta(days=9)
    page = MeetingSeriesPage(
        title="Elterncafé",
        slug="elterncafe",
        first_date=day,
        start_time=dt.time(16, 30),
        end_time=dt.time(18),
        recurrence=recurrence.Recurrence(
            rrules=[recurrence.Rule(rrule.WEEKLY, byday=[day.weekday()])]
        ),
        location="Familienzentrum Nord",
        visibility=Visibility.NETWORK,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return MeetingSeriesPage.objects.get(pk=page.pk), day


def date_page(client, series):
    page, day = series
    return client.get(
        reverse("plugins:meetings:date", args=[page.pk, day.isoformat()]), HTTP_HOST=BECKUM
    )


def test_a_host_requests_a_mediator_for_a_date(series, people):
    manager = Client()
    manager.force_login(people["manager"])
    answer = date_page(manager, series)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert BUTTON in html
    _page, day = series
    link = html.split(BUTTON)[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith(reverse("plugins:interpreters:request_new") + "?")
    form_page = manager.get(link, HTTP_HOST=BECKUM)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form.initial["day"] == day.isoformat() and form.initial["time"] == "16:30"
    assert form.initial["duration_minutes"] == "90"
    assert form.initial["place"] == "Familienzentrum Nord"
    assert form.initial["note"] == "Elterncafé"
    # sent with what the requester adds: the request for the date's time and place
    sent = manager.post(
        link.split("?")[0],
        {
            **form.initial,
            "language": "ara",
            "mode": "on_site",
            "topic": "school",
            "offer_mode": "all",
        },
        HTTP_HOST=BECKUM,
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    made = Request.objects.get()
    local = timezone.localtime(made.starts_at)
    assert (local.date(), local.time()) == (day, dt.time(16, 30))
    assert made.duration_minutes == 90 and made.place == "Familienzentrum Nord"
    assert made.requester == people["manager"]


def test_no_button_for_others_or_with_the_pool_off(series, people, site):
    member = Client()
    member.force_login(people["requester"])  # a member, not a host of the series
    assert BUTTON not in date_page(member, series).content.decode()
    PluginSettings.set_enabled(site, "interpreters", False)
    manager = Client()
    manager.force_login(people["manager"])
    answer = date_page(manager, series)
    assert answer.status_code == 200 and BUTTON not in answer.content.decode()


def test_bad_prefill_is_no_error(people):
    manager = Client()
    manager.force_login(people["manager"])
    answer = manager.get(
        reverse("plugins:interpreters:request_new"),
        {"day": "31.02.", "time": "x" * 50, "duration_minutes": "-5", "place": "P" * 999},
        HTTP_HOST=BECKUM,
    )
    assert answer.status_code == 200
    assert answer.context["form"].initial["place"] == "P" * 300


def test_meetings_does_not_import_the_pool():
    root = pathlib.Path(__file__).resolve().parents[3] / "plugins" / "meetings"
    for source in root.rglob("*.py"):
        assert "interpreters" not in source.read_text(encoding="utf-8"), source
