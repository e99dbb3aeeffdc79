"""A programme's chat room for its mentors, made through the chat plugin's public API: the
coordinator opens it from the coordination page; the programme's mentors with an account
and its coordinators may enter, no one else (the town's managers moderate, as in every
room); where the chat is off for the town no room is offered and nothing breaks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plugins.chat import access as chat_access
from plugins.chat import services as chat_services
from plugins.chat.models import Room
from plugins.mentoring.models import Programme
from treffpunkt.plugins.models import PluginSettings

from .conftest import make_mentor

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}
URL = "/patenschaften/koordination/"


def _open(client, programme):
    return client.post(URL, {"action": "chat", "programme": programme.pk}, **HOST)


def test_coordinator_opens_the_room_and_the_mentors_meet_there(
    client, programme, mentor, coordinator, make_user, manager, other_manager
):
    client.force_login(coordinator)
    assert "Open the mentors" in client.get("/en" + URL, **HOST).text
    response = _open(client, programme)
    assert response.status_code == 302
    room = Room.objects.get()
    assert room.kind == "plugin" and room.owner == f"mentoring.programme:{programme.pk}"
    assert room.site == programme.site and room.title == programme.name
    assert response["Location"] == reverse("plugins:chat:room", args=[room.pk])
    assert _open(client, programme).status_code == 302 and Room.objects.count() == 1

    # who may enter
    retired = make_mentor(programme, "Retired Mentor", user=make_user("retired@example.org"))
    retired.active = False
    retired.save()
    sibling = Programme.objects.create(site=programme.site, name="Jobtandems", kind="job")
    sibling_mentor = make_mentor(sibling, "Job Mentor", user=make_user("job@example.org"))
    allowed = {mentor.user, coordinator, manager}
    refused = {make_user("outsider@example.org"), retired.user, sibling_mentor.user, other_manager}
    for person in allowed:
        assert chat_access.can_access(person, room), person
    for person in refused:
        assert not chat_access.can_access(person, room), person
    members = set(chat_access.room_members(room))
    assert allowed <= members and not (refused & members)
    assert chat_access.can_moderate(manager, room)
    assert not chat_access.can_moderate(mentor.user, room)

    # the mentor writes, through the page the chat gives every room
    chat_services.post_message(mentor.user, room, "Hallo zusammen!")
    client.force_login(mentor.user)
    page = client.get(response["Location"], **HOST)
    assert page.status_code == 200 and "Hallo zusammen!" in page.text
    client.force_login(sibling_mentor.user)
    assert client.get(response["Location"], **HOST).status_code in (403, 404)

    # a coordinator of another programme cannot open this one's room
    job_coordinator = make_user("job-koordination@example.org")
    sibling.coordinators.add(job_coordinator)
    client.force_login(job_coordinator)
    assert _open(client, programme).status_code == 404


def test_with_the_chat_off_no_room_is_offered_and_nothing_breaks(
    client, programme, mentor, coordinator
):
    client.force_login(coordinator)
    assert _open(client, programme).status_code == 302
    room = Room.objects.get()
    PluginSettings.set_enabled(programme.site, "chat", False)
    page = client.get("/en" + URL, **HOST)
    assert page.status_code == 200 and "Open the mentors" not in page.text
    assert _open(client, programme).status_code == 404
    assert Room.objects.count() == 1
    PluginSettings.set_enabled(programme.site, "chat", True)
    # mentoring off: the chat asks no one about the room, so only the managers enter it
    PluginSettings.set_enabled(programme.site, "mentoring", False)
    assert not chat_access.can_access(mentor.user, room)


def test_bad_programme_values(client, programme, other_programme, coordinator):
    client.force_login(coordinator)
    for value in ("", "x", "²", "9" * 40, str(other_programme.pk)):
        response = client.post(URL, {"action": "chat", "programme": value}, **HOST)
        assert response.status_code == 404
    assert not Room.objects.exists()
