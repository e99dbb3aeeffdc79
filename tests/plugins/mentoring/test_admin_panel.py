"""The managers' mentoring panel on the admin's start page: matches needing attention and
applications waiting, of their own town only; no panel when there is nothing to do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plugins.mentoring.models import Application, Match

from .conftest import make_application, make_mentor

pytestmark = pytest.mark.django_db


def _home(client, user, host) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"), HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def _overdue_first_meeting(programme, name):
    now = timezone.now()
    application = make_application(
        programme, status=Application.Status.MATCHED, name=name, email=f"{name[:3]}@example.org"
    )
    return Match.objects.create(
        programme=programme,
        application=application,
        mentor=make_mentor(programme, f"Mentor of {name}"),
        status=Match.Status.ACTIVE,
        proposed_at=now - dt.timedelta(days=20),
        started_at=now - dt.timedelta(days=18),
        first_meeting_at=now - dt.timedelta(days=10),
    )


def test_panel_shows_own_towns_work_only(
    client, programme, other_programme, manager, other_manager
):
    assert "Patenschaften: zu tun" not in _home(client, manager, "beckum.test")

    _overdue_first_meeting(programme, "Beckum Person")
    make_application(programme, name="Waiting Beckum", email="w@example.org")
    _overdue_first_meeting(other_programme, "Borken Person")

    page = _home(client, manager, "beckum.test")
    assert "Patenschaften: zu tun (2)" in page
    assert "Beckum Person" in page and "Borken Person" not in page
    assert "erstes Treffen seit" in page
    assert "1 Bewerbung wartet auf eine Patin oder einen Paten." in page

    other = _home(client, other_manager, "borken.test")
    assert "Borken Person" in other and "Beckum Person" not in other
    assert "Patenschaften: zu tun (1)" in other
