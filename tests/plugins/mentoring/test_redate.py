"""A new date for a missed (or overdue) first meeting: the coordinator sets it on the match's
page; the mentor, the mentee (in their language) and the coordinators get the new calendar
invitation with the same UID and a higher SEQUENCE; the match no longer shows as overdue or
missed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from plugins.mentoring import services
from plugins.mentoring.models import Match, Programme

from .conftest import in_days, make_mentor
from .test_first_meeting import _answer, _match

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}


def _page(match):
    return reverse("plugins:mentoring:match", args=[match.pk])


def _redate(client, match, when, place="", capture=None):
    data = {"action": "redate", "first_meeting_place": place}
    if not isinstance(when, str):  # the form takes the local time, as a browser sends it
        when = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    data["first_meeting_at"] = when
    if capture is None:
        return client.post(_page(match), data, **HOST)
    with capture(execute=True):
        return client.post(_page(match), data, **HOST)


def _invitation(message):
    (name, ics, mimetype) = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(ics).walk("VEVENT")[0]


def test_missed_first_meeting_gets_a_new_date_for_everyone(
    client, programme, mentor, coordinator, django_capture_on_commit_callbacks
):
    match = _match(programme, mentor, meeting_days_ago=2, first_meeting_place="Rathaus")
    services.record_first_meeting(match, "mentor", held=False)
    (item,) = services.needing_attention([programme])
    assert item["first_meeting_missed"]

    client.force_login(coordinator)
    page = client.get(_page(match), **HOST)
    assert page.status_code == 200 and 'value="redate"' in page.text
    when = in_days(5).replace(second=0, microsecond=0)
    mail.outbox.clear()
    response = _redate(
        client, match, when, "Stadtbücherei Beckum", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.first_meeting_at == when and match.first_meeting_place == "Stadtbücherei Beckum"
    assert match.first_meeting_held is None and match.first_meeting_recorded_by == ""
    assert match.first_meeting_sequence == 1
    # no longer missed, not overdue: nothing needs attention
    assert services.needing_attention([programme]) == []

    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {"koordination@example.org", "mentor@example.org", "Rani@example.org"}
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        event = _invitation(message)
        assert event["UID"] == f"mentoring-match-{match.pk}@beckum.test"
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == when
        assert event["LOCATION"] == "Stadtbücherei Beckum"
    mentee_mail = next(m for m in mail.outbox if m.to == ["Rani@example.org"])
    assert "للقاء الأول" in mentee_mail.subject  # the mentee applied in Arabic
    assert _answer(match, "mentee") in mentee_mail.body
    coordinator_mail = next(m for m in mail.outbox if m.to == ["koordination@example.org"])
    assert "Neuer Termin" in coordinator_mail.subject

    # the sides' pages do not ask about a meeting that lies ahead
    assert 'value="first_meeting"' not in client.get(_answer(match, "mentee"), **HOST).text

    # a second new date: the same UID, the next SEQUENCE, the place stays when left empty
    mail.outbox.clear()
    later = when + dt.timedelta(days=2)
    assert _redate(client, match, later, "", django_capture_on_commit_callbacks).status_code == 302
    match.refresh_from_db()
    assert match.first_meeting_sequence == 2 and match.first_meeting_place == "Stadtbücherei Beckum"
    assert len(mail.outbox) == 3
    assert {_invitation(m)["SEQUENCE"] for m in mail.outbox} == {2}
    assert {_invitation(m).decoded("DTSTART") for m in mail.outbox} == {later}


def test_overdue_unrecorded_meeting_is_cleared_by_a_new_date(
    client, programme, mentor, coordinator, django_capture_on_commit_callbacks
):
    match = _match(programme, mentor, meeting_days_ago=9)
    (item,) = services.needing_attention([programme])
    assert item["first_meeting_due"]
    client.force_login(coordinator)
    assert (
        _redate(client, match, in_days(3), capture=django_capture_on_commit_callbacks).status_code
        == 302
    )
    match.refresh_from_db()
    assert services.first_meeting_overdue_since(match, timezone.now()) is None
    assert services.needing_attention([programme]) == []


@pytest.mark.parametrize(
    "when",
    ["", "2026-13-45T10:00", "x" * 5000, "2020-01-01T10:00", "yesterday"],
)
def test_bad_date_is_answered_with_its_error_and_changes_nothing(
    client, programme, mentor, coordinator, when
):
    match = _match(programme, mentor, meeting_days_ago=9)
    before = match.first_meeting_at
    client.force_login(coordinator)
    mail.outbox.clear()
    response = _redate(client, match, when)
    assert response.status_code == 400 and "error-summary" in response.text
    match.refresh_from_db()
    assert match.first_meeting_at == before and match.first_meeting_sequence == 0
    assert mail.outbox == []


def test_a_meeting_that_took_place_or_an_ended_match_cannot_be_redated(
    client, programme, mentor, coordinator
):
    held = _match(programme, mentor, meeting_days_ago=3)
    services.record_first_meeting(held, "mentee", True, timezone.localdate())
    client.force_login(coordinator)
    assert 'value="redate"' not in client.get(_page(held), **HOST).text
    assert _redate(client, held, in_days(3)).status_code == 400
    held.refresh_from_db()
    assert held.first_meeting_sequence == 0 and held.first_meeting_held is True

    ended = _match(
        programme,
        make_mentor(programme, "Other Mentor"),
        meeting_days_ago=3,
        name="Amal Said",
        status=Match.Status.ENDED,
        ended_at=timezone.now(),
    )
    assert _redate(client, ended, in_days(3)).status_code == 400
    ended.refresh_from_db()
    assert ended.first_meeting_sequence == 0


def test_a_proposal_is_redated_quietly_and_starts_with_the_new_invitation(
    client, programme, mentor, coordinator, django_capture_on_commit_callbacks
):
    match = _match(
        programme,
        mentor,
        meeting_days_ago=9,
        status=Match.Status.PROPOSED,
        mentor_accepted_at=None,
        mentee_accepted_at=None,
        started_at=None,
    )
    client.force_login(coordinator)
    when = in_days(4).replace(second=0, microsecond=0)
    mail.outbox.clear()
    assert (
        _redate(client, match, when, capture=django_capture_on_commit_callbacks).status_code == 302
    )
    # before both said yes the mentor gets no invitation naming the mentee
    assert mail.outbox == []
    client.logout()
    for side in ("mentor", "mentee"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_answer(match, side), {"action": "accept"}, **HOST)
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        event = _invitation(message)
        assert event.decoded("DTSTART") == when and event["SEQUENCE"] == 1


def test_coordinator_of_another_programme_and_other_towns_manager_cannot_redate(
    client, programme, mentor, make_user, other_manager
):
    match = _match(programme, mentor, meeting_days_ago=9)
    sibling = Programme.objects.create(site=programme.site, name="Jobtandems", kind="job")
    outsider = make_user("job-koordination@example.org")
    sibling.coordinators.add(outsider)
    for person in (outsider, other_manager):
        client.force_login(person)
        assert _redate(client, match, in_days(3)).status_code == 404
    client.logout()
    anonymous = _redate(client, match, in_days(3))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    match.refresh_from_db()
    assert match.first_meeting_sequence == 0
