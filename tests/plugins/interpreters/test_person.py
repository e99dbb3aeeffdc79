"""A person's own data: the download at /konto/meine-daten.json holds their mediator
profile (languages, availability, offers, assignments with hours) and the requests they
made; nobody else's, and never an offer's token."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from plugins.interpreters.models import Absence, Assignment, Offer

from .conftest import at

pytestmark = pytest.mark.django_db


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get("/konto/meine-daten.json", HTTP_HOST="beckum.test")
    assert response.status_code == 200
    return json.loads(response.content)


def test_mediator_and_requester_get_their_own_data_only(
    client, make_mediator, make_request, people
):
    tesfay = make_mediator(first_name="Tesfay", dialect="Asmara", email="tesfay@example.org")
    other = make_mediator(first_name="Other", email="other@example.org")
    Absence.objects.create(
        mediator=tesfay, first_day=dt.date(2026, 12, 24), last_day=dt.date(2026, 12, 31)
    )
    mine = make_request(starts_at=at(2026, 3, 2, 9), note="Termin beim Jobcenter")
    theirs = make_request(
        starts_at=at(2026, 3, 3, 9), requester=people["colleague"], place="Rathaus, Zimmer 7"
    )
    offer = Offer.objects.create(request=mine, mediator=tesfay, status="accepted")
    Offer.objects.create(request=theirs, mediator=other, status="sent")
    Assignment.objects.create(
        request=mine,
        mediator=tesfay,
        starts_at=mine.starts_at,
        ends_at=mine.ends_at,
        mediator_minutes=80,
        travel_km=6,
        confirmed_minutes=75,
    )

    data = download(client, tesfay.user)
    section = data["sections"]["interpreters"]
    [profile] = section["mediator_profiles"]
    assert profile["languages"] == [{"language": "tir", "dialect": "Asmara", "level": 3}]
    assert profile["absences"] == [{"first_day": "2026-12-24", "last_day": "2026-12-31"}]
    assert "RRULE" in profile["availability"][0]["days"]
    assert [o["status"] for o in profile["offers"]] == ["accepted"]
    [assignment] = profile["assignments"]
    assert assignment["minutes_confirmed"] == 75 and assignment["minutes_reported"] == 80
    assert section["requests"] == []
    text = json.dumps(data)
    assert offer.token not in text
    assert "Rathaus" not in text and "other@example.org" not in text

    data = download(client, people["requester"])
    section = data["sections"]["interpreters"]
    assert section["mediator_profiles"] == []
    assert [r["note"] for r in section["requests"]] == ["Termin beim Jobcenter"]
    assert "Rathaus" not in json.dumps(data)


def test_nothing_in_the_pool_no_section(client, people):
    data = download(client, people["outsider"])
    assert "interpreters" not in data.get("sections", {})
