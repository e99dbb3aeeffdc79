"""The statement's month is the town's (Europe/Berlin), not UTC: at 23:30 UTC on the last
day of January it is already February in Beckum, and an assignment at 00:15 on
1 February belongs to February's statement."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from plugins.interpreters import statement
from plugins.interpreters.models import Assignment, Request

from .conftest import at

pytestmark = pytest.mark.django_db
BECKUM = "beckum.test"
LAST_EVENING_UTC = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def night_assignment(make_request, make_mediator):
    mediator = make_mediator(first_name="Selam", email="selam@example.org")
    request = make_request(starts_at=at(2026, 2, 1, 0, 15), status=Request.Status.DONE)
    assert request.starts_at.astimezone(dt.UTC).month == 1  # still January in UTC
    return Assignment.objects.create(
        request=request,
        mediator=mediator,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        confirmed_minutes=45,
        confirmed_at=request.starts_at,
    )


def statement_links(page) -> list[str]:
    return re.findall(r'href="([^"]*/abrechnung/[^"]*)"', page.text)


@pytest.mark.parametrize("active_zone", [None, "UTC"])
def test_this_month_at_2330_utc_on_the_last_day_is_the_next_month(night_assignment, active_zone):
    client = Client()
    client.force_login(night_assignment.mediator.user)
    with freeze_time(LAST_EVENING_UTC):
        if active_zone:
            with timezone.override(active_zone):  # a zone activated for the visitor
                page = client.get(reverse("plugins:interpreters:assignments"), HTTP_HOST=BECKUM)
        else:
            page = client.get(reverse("plugins:interpreters:assignments"), HTTP_HOST=BECKUM)
    assert page.status_code == 200
    assert statement_links(page) == [reverse("plugins:interpreters:statement", args=[2026, 2])]
    with freeze_time(LAST_EVENING_UTC), timezone.override("UTC"):
        february = client.get(statement_links(page)[0], HTTP_HOST=BECKUM)
    assert re.search(r'id="statement-period">([^<]*)<', february.text)[1] == "Februar 2026"
    totals = re.search(r'id="statement-totals">(.*?)</dl>', february.text, re.S)[1]
    assert "<dd>0,75</dd>" in totals  # 45 minutes
    assert statement.build(night_assignment.mediator, 2026, 2).minutes == 45
    with timezone.override("UTC"):
        assert statement.build(night_assignment.mediator, 2026, 2).minutes == 45
        assert statement.build(night_assignment.mediator, 2026, 1).minutes == 0
        csv_text = statement.as_csv(statement.build(night_assignment.mediator, 2026, 2))
    assert "2026-02-01 00:15" in csv_text


def test_coordinators_link_goes_to_the_town_month_of_the_assignment(night_assignment, people):
    client = Client()
    client.force_login(people["manager"])
    with freeze_time(LAST_EVENING_UTC):
        page = client.get(
            reverse("plugins:interpreters:request", args=[night_assignment.request_id]),
            HTTP_HOST=BECKUM,
        )
    assert page.status_code == 200
    expected = reverse(
        "plugins:interpreters:mediator_statement", args=[night_assignment.mediator_id, 2026, 2]
    )
    assert statement_links(page) == [expected]
