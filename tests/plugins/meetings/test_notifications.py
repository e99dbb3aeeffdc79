"""Meeting emails: invitations, changes, minutes, reminders; opt-outs; never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from plugins.meetings import notifications, services
from plugins.meetings.models import Delivery, NotificationKind, NotificationOptOut, Visibility
from tests.helpers import body_text

from .conftest import second_tuesday

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(make_series, group):
    return make_series(
        title="AG-Treffen",
        recurrence=second_tuesday(),
        visibility=Visibility.GROUP,
        working_group=group,
    )


def test_invitation_with_agenda_days_before_once(series, people, smtp_settings):
    services.add_agenda_item(series, "2027-02-09", people["member"], "Sprachmittlerpool")
    with freeze_time("2027-02-05 09:00:00+01:00"):
        assert notifications.send_invitations() == 0  # 4 days before: not yet (3 configured)
    with freeze_time("2027-02-06 18:00:00+01:00"):
        call_command("meetings_notify", "--now")
        call_command("meetings_notify", "--now")  # a second run sends nothing twice
    mails = smtp_settings.to("ag@example.org")
    assert len(mails) == 1
    assert "Sprachmittlerpool" in body_text(mails[0])
    assert len(smtp_settings.to("koordination@example.org")) == 1
    assert smtp_settings.to("netz@example.org") == []  # not in the group


def test_opt_out_is_respected(series, people, mailoutbox, django_capture_on_commit_callbacks):
    NotificationOptOut.objects.create(user=people["member"], kind=NotificationKind.CHANGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_date(series, "2027-02-09", people["coordinator"])
    assert [m.to for m in mailoutbox] == [["koordination@example.org"]]


def test_failed_smtp_is_retried_later_not_lost(series, people, smtp_settings):
    smtp_settings.refuse = True
    with freeze_time("2027-02-07 09:00:00+01:00"):
        assert notifications.send_invitations() == 0
        assert Delivery.objects.count() == 0
        smtp_settings.refuse = False
        assert notifications.send_invitations() == 2
    assert len(smtp_settings.to("ag@example.org")) == 1


def test_task_reminder_in_the_owners_language(series, people, mailoutbox):
    member = people["member"]
    member.preferred_language = "en"
    member.save()
    services.add_task(
        series,
        "2026-11-10",
        people["coordinator"],
        "Liste erstellen",
        member.pk,
        dt.date(2026, 11, 24),
    )
    assert notifications.send_task_reminders(today=dt.date(2026, 11, 20)) == 0
    assert notifications.send_task_reminders(today=dt.date(2026, 11, 23)) == 1
    assert notifications.send_task_reminders(today=dt.date(2026, 11, 23)) == 0
    assert mailoutbox[0].subject == "Reminder: Liste erstellen"


def test_person_turns_kinds_of_mail_off_and_on(client, people):
    from django.urls import reverse

    member = people["member"]
    client.force_login(member)
    url = reverse("plugins:meetings:preferences")
    page = client.get(url, HTTP_HOST="beckum.test").content.decode()
    assert "/treffen/kalender/" in page  # the personal feed address is shown
    client.post(url, {"invitation": "on", "minutes": "on"}, HTTP_HOST="beckum.test")
    assert set(NotificationOptOut.objects.filter(user=member).values_list("kind", flat=True)) == {
        NotificationKind.CHANGE,
        NotificationKind.TASK_REMINDER,
    }
    client.post(url, dict.fromkeys(NotificationKind.values, "on"), HTTP_HOST="beckum.test")
    assert not NotificationOptOut.objects.filter(user=member).exists()
