"""Fixtures of the mentoring tests: a programme in Beckum and one in Borken, mentors, people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plugins.mentoring.models import Application, MentorProfile, Programme
from treffpunkt.accounts import roles


@pytest.fixture
def coordinator(make_user):
    return make_user("koordination@example.org", first_name="Petra", last_name="Lange")


@pytest.fixture
def programme(site, coordinator) -> Programme:
    programme = Programme.objects.create(site=site, name="Lesepaten Beckum", kind="reading")
    programme.coordinators.add(coordinator)
    return programme


@pytest.fixture
def other_programme(other_site, make_user) -> Programme:
    programme = Programme.objects.create(site=other_site, name="Patenschaften Borken")
    programme.coordinators.add(make_user("borken-koordination@example.org"))
    return programme


@pytest.fixture
def mentor_user(make_user):
    return make_user("mentor@example.org", first_name="Jonas", last_name="Weber")


def make_mentor(programme, name="Jonas Weber", **extra) -> MentorProfile:
    values = {
        "email": f"{name.split()[0].lower()}@example.org",
        "languages": "de,ar",
        "offers": ["homework", "language"],
        "area": "Neubeckum",
        "availability": ["weekday_afternoon"],
    }
    values.update(extra)
    return MentorProfile.objects.create(programme=programme, name=name, **values)


@pytest.fixture
def mentor(programme, mentor_user) -> MentorProfile:
    return make_mentor(programme, user=mentor_user, email="mentor@example.org")


def make_application(programme, status=Application.Status.WAITING, **extra) -> Application:
    values = {
        "name": "Rania Haddad",
        "email": "rania@example.org",
        "language": "ar",
        "languages": "ar",
        "seeks": ["homework"],
        "area": "Neubeckum",
        "availability": ["weekday_afternoon"],
        "confirmed_at": timezone.now() if status != Application.Status.UNCONFIRMED else None,
    }
    values.update(extra)
    return Application.objects.create(programme=programme, status=status, **values)


@pytest.fixture
def application(programme) -> Application:
    return make_application(programme)


@pytest.fixture
def manager(make_user, site):
    person = make_user("manager@example.org", first_name="Miriam", last_name="Adler")
    roles.make_manager(person, site)
    return person


@pytest.fixture
def other_manager(make_user, other_site):
    person = make_user("manager-borken@example.org")
    roles.make_manager(person, other_site)
    return person


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)
