"""What coordinators and managers see outside the plugin's pages: the dashboard panel with
matches needing attention, and the committee report's section with the network's numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from plugins.mentoring import receivers, services
from plugins.mentoring.models import Application, CheckIn, Match

from .conftest import make_application, make_mentor

pytestmark = pytest.mark.django_db


def _active(programme, mentor, started_days_ago, **extra):
    application = make_application(
        programme,
        status=Application.Status.MATCHED,
        email=f"m{started_days_ago}@example.org",
        **extra,
    )
    return Match.objects.create(
        programme=programme,
        application=application,
        mentor=mentor,
        status=Match.Status.ACTIVE,
        started_at=timezone.now() - dt.timedelta(days=started_days_ago),
    )


def test_overdue_and_flagged_matches_need_attention(programme):
    programme.checkin_interval_weeks = 4
    programme.save()
    mentors = [make_mentor(programme, f"Mentor {n}", max_matches=3) for n in range(3)]
    overdue = _active(programme, mentors[0], 40, name="Overdue Person")
    fine = _active(programme, mentors[1], 40, name="Fine Person")
    CheckIn.objects.create(
        match=fine, side="mentor", mood="good", created_at=timezone.now() - dt.timedelta(days=5)
    )
    flagged = _active(programme, mentors[2], 3, name="Flagged Person")
    CheckIn.objects.create(match=flagged, side="mentee", mood="difficult", please_contact=True)
    items = services.needing_attention([programme])
    assert [item["match"] for item in items] == [flagged, overdue]
    assert items[0]["flagged"] and items[0]["overdue_since"] is None
    assert not items[1]["flagged"] and items[1]["overdue_since"] < timezone.now()
    services.handle_flags(flagged)
    assert [item["match"] for item in services.needing_attention([programme])] == [overdue]


def test_dashboard_shows_the_panel_to_coordinators_and_mentors_only(
    client, programme, coordinator, mentor, make_user
):
    _active(programme, mentor, 60, name="Overdue Person")
    client.force_login(coordinator)
    page = client.get("/konto/", HTTP_HOST="beckum.test")
    assert "Overdue Person" in page.text
    client.force_login(mentor.user)
    page = client.get("/konto/", HTTP_HOST="beckum.test")
    assert "Lesepaten Beckum" in page.text and "Overdue Person" not in page.text
    client.force_login(make_user("someone@example.org"))
    page = client.get("/konto/", HTTP_HOST="beckum.test")
    assert "Lesepaten Beckum" not in page.text


def test_report_section_counts_running_waiting_and_ended(site, programme, mentor):
    from networks.models import ActionField

    field = ActionField.objects.create(site=site, name="Sprache")
    programme.action_field = field
    programme.save()
    _active(programme, mentor, 10)
    now = timezone.now()
    make_application(programme, email="w@example.org", confirmed_at=now - dt.timedelta(days=10))
    make_application(programme, email="v@example.org", confirmed_at=now - dt.timedelta(days=30))
    ended_app = make_application(programme, status=Application.Status.CLOSED, email="e@example.org")
    Match.objects.create(
        programme=programme,
        application=ended_app,
        mentor=make_mentor(programme, "Second Mentor"),
        status=Match.Status.ENDED,
        ended_at=now - dt.timedelta(days=2),
        end_reason=Match.EndReason.MOVED,
    )
    today = timezone.localdate()
    with translation.override("en"):
        section = receivers.mentoring_report_section(
            site, start=today - dt.timedelta(days=90), end=today, action_field=field
        )
    (row,) = section.rows
    assert row.title == "Lesepaten Beckum"
    assert "1 running matches, 2 applications waiting" in row.detail
    assert "1 ended (moved away: 1)" in row.detail
    assert (
        receivers.mentoring_report_section(
            site, start=today - dt.timedelta(days=90), end=today, action_field=None
        )
        is None
    )
