"""Members and hosts at work, and bad input that must change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plugins.meetings import schedule, services
from plugins.meetings.models import (
    AgendaItem,
    Decision,
    Occurrence,
    Rsvp,
    Task,
    Visibility,
)

from .conftest import second_tuesday

pytestmark = pytest.mark.django_db
TZ = schedule.TZ
KEY = "2027-02-09"  # a second Tuesday in the future


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def series(make_series, group):
    return make_series(
        title="AG-Treffen",
        recurrence=second_tuesday(),
        visibility=Visibility.GROUP,
        working_group=group,
    )


def snapshot():
    return (
        Occurrence.objects.count(),
        list(Occurrence.objects.values_list("status", "start", "sequence")),
        Rsvp.objects.count(),
        AgendaItem.objects.count(),
        Task.objects.count(),
        Decision.objects.count(),
    )


def test_only_dates_with_something_attached_have_rows(series, people):
    assert Occurrence.objects.count() == 0
    services.set_rsvp(series, KEY, people["member"], "yes")
    services.set_rsvp(series, KEY, people["coordinator"], "maybe")
    services.set_rsvp(series, KEY, people["member"], "no")  # changing one's answer
    assert Occurrence.objects.count() == 1
    row = Occurrence.objects.get()
    assert services.rsvp_counts(row) == {"yes": 0, "maybe": 1, "no": 1}


def test_agenda_added_by_members_ordered_by_host(series, people, english):
    a = services.add_agenda_item(series, KEY, people["member"], "Sprachmittlerpool")
    b = services.add_agenda_item(series, KEY, people["coordinator"], "Patenprogramme")
    services.move_agenda_item(series, KEY, people["coordinator"], b.pk, "up")
    titles = list(AgendaItem.objects.order_by("sort_order").values_list("title", flat=True))
    assert titles == ["Patenprogramme", "Sprachmittlerpool"]
    with pytest.raises(services.MeetingError, match="hosts"):
        services.move_agenda_item(series, KEY, people["member"], a.pk, "up")


def test_cancel_and_move_keep_the_series(
    series, people, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = people["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_date(series, KEY, coordinator, "Feiertag")
        services.move_date(
            series,
            "2027-03-09",
            coordinator,
            local(2027, 3, 10, 17),
            local(2027, 3, 10, 19),
            "Raum 3",
        )
    dates = schedule.expand(series, local(2027, 1, 1), local(2027, 5, 1))
    assert [(d.local_start.date(), d.status) for d in dates] == [
        (dt.date(2027, 1, 12), "scheduled"),
        (dt.date(2027, 2, 9), "cancelled"),
        (dt.date(2027, 3, 10), "moved"),
        (dt.date(2027, 4, 13), "scheduled"),
    ]
    assert dates[2].location == "Raum 3"
    # members were told, each in one mail per change
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(["ag@example.org", "koordination@example.org"] * 2)


def test_minutes_decisions_tasks_and_done(
    series, people, mailoutbox, django_capture_on_commit_callbacks
):
    host, member = people["coordinator"], people["member"]
    past = "2026-11-10"
    services.record_attendance(series, past, host, [member.pk, host.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.save_minutes(
            series,
            past,
            host,
            "Wir haben beraten.\n\nZweiter Absatz <b>fett</b>",
            ["Pool wird aufgebaut"],
            publish=True,
        )
    task = services.add_task(series, past, host, "Liste erstellen", member.pk, dt.date(2026, 12, 1))
    row = Occurrence.objects.get()
    assert row.minutes == "<p>Wir haben beraten.</p><p>Zweiter Absatz &lt;b&gt;fett&lt;/b&gt;</p>"
    assert list(row.attendees.order_by("pk")) == sorted([member, host], key=lambda u: u.pk)
    assert [m.subject for m in mailoutbox if m.to == ["ag@example.org"]][0].startswith("Protokoll")
    assert list(services.open_tasks(member)) == [task]
    services.set_task_done(task.pk, member, True)
    assert list(services.open_tasks(member)) == []


BAD = [
    # (what, call, message)
    (
        "RSVP to a cancelled date",
        lambda s, p: services.set_rsvp(s, "2027-04-13", p["member"], "yes"),
        "cancelled",
    ),
    (
        "RSVP with a made-up answer",
        lambda s, p: services.set_rsvp(s, KEY, p["member"], "vielleicht"),
        "yes, no or maybe",
    ),
    (
        "RSVP by an outsider",
        lambda s, p: services.set_rsvp(s, KEY, p["outsider"], "yes"),
        "Only members",
    ),
    (
        "RSVP by a network member outside the group",
        lambda s, p: services.set_rsvp(s, KEY, p["network_member"], "yes"),
        "Only members",
    ),
    (
        "a date that does not exist",
        lambda s, p: services.set_rsvp(s, "2027-02-10", p["member"], "yes"),
        "no meeting on that date",
    ),
    (
        "a date that is no date",
        lambda s, p: services.set_rsvp(s, "morgen", p["member"], "yes"),
        "no meeting on that date",
    ),
    (
        "moving a date that does not exist",
        lambda s, p: services.move_date(
            s, "2027-02-11", p["coordinator"], local(2027, 2, 12, 17), local(2027, 2, 12, 19)
        ),
        "no meeting on that date",
    ),
    (
        "moving to end before start",
        lambda s, p: services.move_date(
            s, KEY, p["coordinator"], local(2027, 2, 10, 19), local(2027, 2, 10, 17)
        ),
        "end after it starts",
    ),
    (
        "moving into the past",
        lambda s, p: services.move_date(
            s, KEY, p["coordinator"], local(2025, 2, 10, 17), local(2025, 2, 10, 19)
        ),
        "future",
    ),
    (
        "moving by a member",
        lambda s, p: services.move_date(
            s, KEY, p["member"], local(2027, 2, 10, 17), local(2027, 2, 10, 19)
        ),
        "hosts",
    ),
    ("cancelling by a member", lambda s, p: services.cancel_date(s, KEY, p["member"]), "hosts"),
    (
        "cancelling twice",
        lambda s, p: services.cancel_date(s, "2027-04-13", p["coordinator"]),
        "cancelled",
    ),
    (
        "an extra date on a day with a date",
        lambda s, p: services.add_extra_date(
            s, p["coordinator"], local(2027, 2, 9, 10), local(2027, 2, 9, 11)
        ),
        "already has a meeting",
    ),
    (
        "an empty agenda item",
        lambda s, p: services.add_agenda_item(s, KEY, p["member"], "   "),
        "fill in",
    ),
    (
        "a too long agenda item",
        lambda s, p: services.add_agenda_item(s, KEY, p["member"], "x" * 201),
        "too long",
    ),
    (
        "a forged task owner",
        lambda s, p: services.add_task(s, "2026-11-10", p["coordinator"], "Aufgabe", 999_999, None),
        "person responsible",
    ),
    (
        "a task for an outsider",
        lambda s, p: services.add_task(
            s, "2026-11-10", p["coordinator"], "Aufgabe", p["outsider"].pk, None
        ),
        "person responsible",
    ),
    (
        "a forged task id",
        lambda s, p: services.set_task_done(999_999, p["member"], True),
        "does not exist",
    ),
    (
        "someone else's task",
        lambda s, p: services.set_task_done(Task.objects.get().pk, p["network_member"], True),
        "does not exist",
    ),
    (
        "minutes before the meeting",
        lambda s, p: services.save_minutes(s, KEY, p["coordinator"], "Text", publish=True),
        "once the meeting has begun",
    ),
    (
        "attendance of an outsider",
        lambda s, p: services.record_attendance(
            s, "2026-11-10", p["coordinator"], [p["outsider"].pk]
        ),
        "from the list",
    ),
    (
        "attendance with a forged id",
        lambda s, p: services.record_attendance(s, "2026-11-10", p["coordinator"], ["abc"]),
        "from the list",
    ),
]


@pytest.mark.parametrize(("what", "call", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_and_changes_nothing(
    series, people, what, call, message, mailoutbox, django_capture_on_commit_callbacks, english
):
    host = people["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_date(series, "2027-04-13", host)
    assert len(mailoutbox) == 2  # the set-up's own notice: mails do arrive in this test
    services.add_task(series, "2026-11-10", host, "Vorhandene Aufgabe", people["member"].pk, None)
    mailoutbox.clear()
    before = snapshot()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.MeetingError) as error,
    ):
        call(series, people)
    assert message in " ".join(error.value.messages)
    assert snapshot() == before
    assert mailoutbox == []


def test_forged_task_id_through_the_web(client, series, people):
    services.add_task(
        series, "2026-11-10", people["coordinator"], "Liste", people["member"].pk, None
    )
    task = Task.objects.get()
    client.force_login(people["network_member"])
    response = client.post(
        reverse("plugins:meetings:task_done", args=[task.pk]),
        {"done": "1"},
        HTTP_HOST="beckum.test",
        follow=True,
    )
    assert (
        "This task does not exist." in response.content.decode()
        or "Diese Aufgabe" in response.content.decode()
    )
    task.refresh_from_db()
    assert task.done is False


def test_rsvp_to_cancelled_date_through_the_web(client, series, people):
    services.cancel_date(series, KEY, people["coordinator"])
    client.force_login(people["member"])
    response = client.post(
        reverse("plugins:meetings:rsvp", args=[series.pk, KEY]),
        {"answer": "yes"},
        HTTP_HOST="beckum.test",
    )
    assert response.status_code == 400
    assert Rsvp.objects.count() == 0


def test_move_form_with_end_before_start(client, series, people):
    client.force_login(people["coordinator"])
    url = reverse("plugins:meetings:move", args=[series.pk, KEY])
    response = client.post(
        url,
        {"date": "2027-02-10", "start_time": "19:00", "end_time": "17:00"},
        HTTP_HOST="beckum.test",
    )
    assert response.status_code == 400
    assert Occurrence.objects.count() == 0


def test_member_cannot_open_the_move_form(client, series, people):
    client.force_login(people["member"])
    url = reverse("plugins:meetings:move", args=[series.pk, KEY])
    assert client.get(url, HTTP_HOST="beckum.test").status_code == 404


def test_extra_date_through_the_web(client, series, people):
    client.force_login(people["coordinator"])
    url = reverse("plugins:meetings:extra_date", args=[series.pk])
    response = client.post(
        url,
        {
            "date": "2027-02-16",
            "start_time": "17:00",
            "end_time": "18:30",
            "location": "Haus der Begegnung",
        },
        HTTP_HOST="beckum.test",
    )
    assert response.status_code == 302
    dates = schedule.expand(series, local(2027, 2, 1), local(2027, 3, 1))
    assert [(d.local_start.date(), d.is_extra) for d in dates] == [
        (dt.date(2027, 2, 9), False),
        (dt.date(2027, 2, 16), True),
    ]
    assert timezone.now() < dates[1].start
