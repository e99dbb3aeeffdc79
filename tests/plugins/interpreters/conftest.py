"""Fixtures of the interpreter pool tests: two towns, requesters, mediators."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import recurrence
from dateutil import rrule

from plugins.interpreters.models import (
    Absence,
    Availability,
    Mediator,
    MediatorLanguage,
    Request,
)
from treffpunkt.accounts.roles import ensure_site_roles

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def at(year, month, day, hour, minute=0) -> dt.datetime:
    """A wall-clock time in Beckum."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def every(*weekdays) -> recurrence.Recurrence:
    return recurrence.Recurrence(
        rrules=[recurrence.Rule(rrule.WEEKLY, byday=list(weekdays) or list(range(7)))]
    )


@pytest.fixture
def roles(site, other_site):
    beckum, borken = ensure_site_roles(site), ensure_site_roles(other_site)
    return beckum, borken


@pytest.fixture
def people(make_user, roles):
    beckum, borken = roles
    requester = make_user("beratung@example.org", first_name="Rana", last_name="Beratung")
    requester.groups.add(beckum.members)
    colleague = make_user("kollegin@example.org", first_name="Kira", last_name="Kollegin")
    colleague.groups.add(beckum.members)
    manager = make_user("integration@example.org", first_name="Miriam", last_name="Adler")
    manager.groups.add(beckum.members, beckum.managers)
    other_manager = make_user("borken@example.org", first_name="Bernd", last_name="Borken")
    other_manager.groups.add(borken.members, borken.managers)
    outsider = make_user("outsider@example.org", first_name="Otto", last_name="Außen")
    return {
        "requester": requester,
        "colleague": colleague,
        "manager": manager,
        "other_manager": other_manager,
        "outsider": outsider,
    }


@pytest.fixture
def make_mediator(make_user, site):
    counter = {"n": 0}

    def _make(
        language="tir",
        dialect="",
        level=3,
        site=site,
        windows=None,
        starts_on=dt.date(2025, 1, 1),
        **fields,
    ) -> Mediator:
        counter["n"] += 1
        n = counter["n"]
        user = make_user(
            fields.pop("email", f"mediator{n}@example.org"),
            first_name=fields.pop("first_name", f"Mediator{n}"),
            last_name="Pool",
            preferred_language=fields.pop("preferred_language", "de"),
        )
        mediator = Mediator.objects.create(site=site, user=user, **fields)
        MediatorLanguage.objects.create(
            mediator=mediator, language=language, dialect=dialect, level=level
        )
        for rule, start, end in windows or ((every(), dt.time(6), dt.time(22)),):
            Availability.objects.create(
                mediator=mediator,
                recurrence=rule,
                start_time=start,
                end_time=end,
                starts_on=starts_on,
            )
        return mediator

    return _make


@pytest.fixture
def make_request(site, people):
    def _make(starts_at=None, **fields) -> Request:
        values = {
            "site": site,
            "requester": people["requester"],
            "language": "tir",
            "starts_at": starts_at or at(2026, 12, 10, 9),
            "duration_minutes": 60,
            "mode": "on_site",
            "place": "Jobcenter Beckum, Raum 12",
            "topic": "authorities",
        }
        values.update(fields)
        return Request.objects.create(**values)

    return _make


__all__ = ["Absence", "at", "every"]
