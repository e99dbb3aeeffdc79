"""The dashboard panel and the committee report's section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from plugins.interpreters.models import Assignment, Request
from plugins.interpreters.receivers import pool_report_section

from .conftest import at

pytestmark = pytest.mark.django_db


def test_panel_for_requester_and_coordinator(people, make_request):
    make_request(starts_at=at(2027, 6, 1, 9))
    for who in ("requester", "manager"):
        client = Client()
        client.force_login(people[who])
        page = client.get("/konto/", HTTP_HOST="beckum.test")
        assert page.status_code == 200
        assert "/dolmetschen/anfrage/" in page.text, who
    client = Client()
    client.force_login(people["manager"])
    assert 'id="pool-waiting"' in client.get("/konto/", HTTP_HOST="beckum.test").text
    client.force_login(people["outsider"])
    assert "/dolmetschen/anfrage/" not in client.get("/konto/", HTTP_HOST="beckum.test").text


def test_report_section(site, make_request, make_mediator):
    done = make_request(starts_at=at(2026, 11, 12, 9), status=Request.Status.DONE)
    done.assigned_at = done.created_at + dt.timedelta(minutes=30)
    done.save()
    Assignment.objects.create(
        request=done,
        mediator=make_mediator(),
        starts_at=done.starts_at,
        ends_at=done.ends_at,
        confirmed_minutes=90,
    )
    make_request(starts_at=at(2026, 11, 13, 9))
    section = pool_report_section(site, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    details = [row.detail for row in section.rows]
    assert details[0].startswith("2 ") and "50" in details[0]
    assert (
        pool_report_section(site, dt.date(2026, 11, 1), dt.date(2026, 11, 30), action_field=1)
        is None
    )
