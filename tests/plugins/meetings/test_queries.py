"""Query counts of the lists do not grow with the number of series."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plugins.meetings import schedule, services
from plugins.meetings.models import Visibility
from treffpunkt.calendar.signals import calendar_entries, ical_components

from .conftest import weekly

pytestmark = pytest.mark.django_db
TZ = schedule.TZ


def _add(make_series, group, people, first: int, last: int) -> None:
    for n in range(first, last):
        series = make_series(
            title=f"Reihe {n:02d}",
            recurrence=weekly(),
            visibility=[Visibility.PUBLIC, Visibility.NETWORK, Visibility.GROUP][n % 3],
            working_group=group,
        )
        services.cancel_date(series, "2027-01-14", people["manager"])


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_lists_need_the_same_queries_for_3_and_15_series(
    client, make_series, group, people, meeting_index, site
):
    member = people["member"]
    client.force_login(member)
    start, end = dt.datetime(2027, 1, 1, tzinfo=TZ), dt.datetime(2027, 2, 1, tzinfo=TZ)

    def measure():
        return {
            "overview": _count(lambda: client.get(meeting_index.url, HTTP_HOST="beckum.test")),
            "calendar": _count(
                lambda: calendar_entries.collect(
                    site, start=start, end=end, user=member, filters={}
                )
            ),
            "feed": _count(lambda: ical_components.collect(site, user=member, filters={})),
            "dashboard": _count(lambda: client.get("/konto/", HTTP_HOST="beckum.test")),
        }

    _add(make_series, group, people, 0, 3)
    measure()  # the first round fills caches (content types, site root paths)
    few = measure()
    _add(make_series, group, people, 3, 15)
    measure()
    many = measure()
    assert few == many
    response = client.get(meeting_index.url, HTTP_HOST="beckum.test")
    assert response.content.decode().count("Reihe ") == 15
