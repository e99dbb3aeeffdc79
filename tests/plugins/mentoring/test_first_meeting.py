"""Recording the first meeting: either side by the link in their mail (the first answer
counts), a coordinator on the match's page (may correct); a first meeting not recorded a
week after its date, or one that did not take place, shows on the coordinators' list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plugins.mentoring import services
from plugins.mentoring.models import Application, Match

from .conftest import make_application, make_mentor

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}


def _match(programme, mentor, meeting_days_ago, name="Rania Haddad", **extra):
    """An active match proposed two weeks ago whose first meeting was planned
    ``meeting_days_ago`` days ago."""
    now = timezone.now()
    application = make_application(
        programme, status=Application.Status.MATCHED, name=name, email=f"{name[:4]}@example.org"
    )
    values = {
        "status": Match.Status.ACTIVE,
        "proposed_at": now - dt.timedelta(days=14),
        "mentor_accepted_at": now - dt.timedelta(days=13),
        "mentee_accepted_at": now - dt.timedelta(days=13),
        "started_at": now - dt.timedelta(days=13),
        "first_meeting_at": now - dt.timedelta(days=meeting_days_ago),
    }
    values.update(extra)
    return Match.objects.create(
        programme=programme, application=application, mentor=mentor, **values
    )


def _answer(match, side):
    token = match.mentor_token if side == "mentor" else match.mentee_token
    return reverse("plugins:mentoring:answer", args=[token])


def test_mentee_records_by_link_first_answer_counts_coordinator_sees_it(
    client, programme, mentor, coordinator
):
    match = _match(programme, mentor, meeting_days_ago=3)
    page = client.get(_answer(match, "mentee"), **HOST)
    assert page.status_code == 200 and 'value="first_meeting"' in page.text
    day = timezone.localdate() - dt.timedelta(days=2)
    sent = client.post(
        _answer(match, "mentee"),
        {"action": "first_meeting", "held": "yes", "held_on": day.isoformat()},
        **HOST,
    )
    assert sent.status_code == 200 and 'value="first_meeting"' not in sent.text
    match.refresh_from_db()
    assert match.first_meeting_held is True and match.first_meeting_held_on == day
    assert match.first_meeting_recorded_by == "mentee" and match.first_meeting_recorded_at

    # the mentor answers differently later: the first answer stays
    client.post(_answer(match, "mentor"), {"action": "first_meeting", "held": "no"}, **HOST)
    match.refresh_from_db()
    assert match.first_meeting_held is True and match.first_meeting_recorded_by == "mentee"

    client.force_login(coordinator)
    detail = client.get(reverse("plugins:mentoring:match", args=[match.pk]), **HOST)
    assert detail.status_code == 200
    assert "The first meeting took place on" in detail.text or "Das erste Treffen fand am" in (
        detail.text
    )
    assert services.needing_attention([programme]) == []


def test_form_is_not_offered_before_the_meeting_nor_to_a_proposal(client, programme, mentor):
    future = _match(programme, mentor, meeting_days_ago=-2)
    assert 'value="first_meeting"' not in client.get(_answer(future, "mentor"), **HOST).text
    proposed = _match(
        programme,
        make_mentor(programme, "Other Mentor"),
        meeting_days_ago=3,
        name="Amal Said",
        status=Match.Status.PROPOSED,
        started_at=None,
    )
    answer = client.post(
        _answer(proposed, "mentee"), {"action": "first_meeting", "held": "no"}, **HOST
    )
    assert answer.status_code == 400
    proposed.refresh_from_db()
    assert proposed.first_meeting_held is None


@pytest.mark.parametrize(
    "data",
    [
        {"held": "yes"},
        {"held": "yes", "held_on": "2026-13-45"},
        {"held": "yes", "held_on": "x" * 5000},
        {"held": "maybe"},
        {},
        {"held": "yes", "held_on": "2020-01-01"},  # before the proposal
        {"held": "yes", "held_on": (dt.date.today() + dt.timedelta(days=5)).isoformat()},
    ],
)
def test_bad_input_is_answered_with_its_error_and_changes_nothing(client, programme, mentor, data):
    match = _match(programme, mentor, meeting_days_ago=3)
    answer = client.post(_answer(match, "mentor"), {"action": "first_meeting", **data}, **HOST)
    assert answer.status_code == 400
    assert "error-summary" in answer.text
    match.refresh_from_db()
    assert match.first_meeting_held is None and match.first_meeting_recorded_at is None


def test_unrecorded_a_week_after_its_date_shows_as_overdue(client, programme, coordinator):
    mentors = [make_mentor(programme, f"Mentor {n}") for n in range(3)]
    overdue = _match(programme, mentors[0], meeting_days_ago=8, name="Overdue Person")
    _match(programme, mentors[1], meeting_days_ago=6, name="Recent Person")
    missed = _match(programme, mentors[2], meeting_days_ago=2, name="Missed Person")
    services.record_first_meeting(missed, "mentor", held=False)

    items = services.needing_attention([programme])
    assert [item["match"] for item in items] == [missed, overdue]
    assert items[0]["first_meeting_missed"] and items[0]["first_meeting_due"] is None
    assert items[1]["first_meeting_due"] == overdue.first_meeting_at + dt.timedelta(days=7)
    assert not items[1]["first_meeting_missed"]

    client.force_login(coordinator)
    page = client.get("/en" + reverse("plugins:mentoring:coordination"), **HOST)
    attention = page.text.split("Needs attention", 1)[1].split("<h2>", 1)[0]
    assert "Overdue Person" in attention and "Recent Person" not in attention
    assert "first meeting not recorded since" in page.text
    assert "the first meeting did not take place" in page.text
    dashboard = client.get("/en/konto/", **HOST)
    assert "first meeting not recorded since" in dashboard.text

    # the coordinator records both: the one took place, the other took place after all
    for match in (overdue, missed):
        response = client.post(
            reverse("plugins:mentoring:match", args=[match.pk]),
            {
                "action": "first_meeting",
                "held": "yes",
                "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            },
            **HOST,
        )
        assert response.status_code == 302
    missed.refresh_from_db()
    assert missed.first_meeting_held is True and missed.first_meeting_recorded_by == "coordinator"
    assert services.needing_attention([programme]) == []


def test_a_proposal_whose_meeting_passed_a_week_ago_unrecorded_shows_too(programme, mentor):
    proposed = _match(
        programme, mentor, meeting_days_ago=9, status=Match.Status.PROPOSED, started_at=None
    )
    (item,) = services.needing_attention([programme])
    assert item["match"] == proposed and item["first_meeting_due"]
    assert item["overdue_since"] is None


def test_coordinator_of_another_programme_cannot_record(client, programme, mentor, make_user):
    from plugins.mentoring.models import Programme

    match = _match(programme, mentor, meeting_days_ago=3)
    sibling = Programme.objects.create(site=programme.site, name="Jobtandems", kind="job")
    outsider = make_user("job-koordination@example.org")
    sibling.coordinators.add(outsider)
    client.force_login(outsider)
    response = client.post(
        reverse("plugins:mentoring:match", args=[match.pk]),
        {"action": "first_meeting", "held": "no"},
        **HOST,
    )
    assert response.status_code == 404
    match.refresh_from_db()
    assert match.first_meeting_held is None
