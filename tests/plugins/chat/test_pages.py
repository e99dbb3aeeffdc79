"""The chat's pages: access matrix, room list with unread counts, reports, mutes, mentions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plugins.chat import services
from plugins.chat.models import Connection, Mention, Message, Mute, Report, Room
from treffpunkt.plugins.models import PluginSettings

from .conftest import make_working_group

HOST = {"HTTP_HOST": "beckum.test"}


def room_url(room) -> str:
    return reverse("plugins:chat:room", kwargs={"room_id": room.pk})


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url, **HOST)


# --- access matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "network", "group"),
    [
        ("anonymous", 302, 302),
        ("outsider", 404, 404),
        ("member", 200, 404),
        ("group_member", 404, 200),
        ("coordinator", 404, 200),
        ("manager", 200, 200),
        ("staff", 200, 200),
    ],
)
def test_access_matrix_of_room_pages(
    client, request, network_room, group_room, who, network, group
):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert get(client, user, room_url(network_room)).status_code == network
    assert get(client, user, room_url(group_room)).status_code == group


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("member", 404),
        ("group_member", 404),
        ("coordinator", 200),
        ("manager", 200),
        ("staff", 200),
    ],
)
def test_access_matrix_of_the_mute_page(client, request, group_room, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    url = reverse("plugins:chat:mute", kwargs={"room_id": group_room.pk})
    assert get(client, user, url).status_code == status


def test_room_of_another_site_is_not_found(client, member, network_room, other_site):
    client.force_login(member)
    assert client.get(room_url(network_room), HTTP_HOST="borken.test").status_code == 404


def test_disabled_plugin_hides_the_pages(client, member, network_room, site):
    PluginSettings.set_enabled(site, "chat", False)
    client.force_login(member)
    assert client.get(reverse("plugins:chat:rooms"), **HOST).status_code == 404
    assert client.get(room_url(network_room), **HOST).status_code == 404


# --- the menu entry ------------------------------------------------------------------------


def _menu(client, user) -> str:
    html = get(client, user, "/").content.decode()
    return html[html.index('id="site-nav"') : html.index("</nav>", html.index('id="site-nav"'))]


def test_chat_in_the_menu_for_people_with_a_room(
    client, site, network_room, group_room, member, other_member, outsider
):
    chat = reverse("plugins:chat:rooms")
    for n in range(2):
        services.post_message(other_member, network_room, f"Nachricht {n}")
    Message.objects.create(room=group_room, author=other_member, text="geheim", html="geheim")
    menu = _menu(client, member)
    assert f'href="{chat}"' in menu and "2 ungelesen" in menu  # not the group room's message
    get(client, member, room_url(network_room))  # reading the room marks it read
    menu = _menu(client, member)
    assert f'href="{chat}"' in menu and "ungelesen" not in menu
    assert f'href="{chat}"' not in _menu(client, outsider)
    client.logout()
    assert f'href="{chat}"' not in _menu(client, None)
    PluginSettings.set_enabled(site, "chat", False)
    assert f'href="{chat}"' not in _menu(client, member)


# --- room list -----------------------------------------------------------------------------


def test_room_list_shows_only_own_rooms_with_unread_counts(
    client, site, network_room, group_room, member, other_member
):
    for n in range(3):
        services.post_message(other_member, network_room, f"Nachricht {n}")
    Message.objects.create(room=group_room, author=other_member, text="geheim", html="geheim")
    response = get(client, member, reverse("plugins:chat:rooms"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["rooms"]] == [network_room.pk]
    assert response.context["rooms"][0].unread == 3
    assert "AG Freizeit" not in response.content.decode()
    # opening the room marks it read
    get(client, member, room_url(network_room))
    response = get(client, member, reverse("plugins:chat:rooms"))
    assert response.context["rooms"][0].unread == 0


def test_own_and_deleted_messages_are_not_unread(network_room, member, other_member):
    services.post_message(member, network_room, "meine")
    gone = services.post_message(other_member, network_room, "weg").message
    services.delete_message(other_member, gone.pk)
    [room] = services.with_unread_counts([network_room], member)
    assert room.unread == 0


def test_room_list_queries_do_not_grow_with_messages_and_groups(
    client, site, network_room, manager, other_member
):
    def count_queries() -> int:
        client.force_login(manager)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("plugins:chat:rooms"), **HOST).status_code == 200
        return len(ctx)

    Message.objects.bulk_create(
        [Message(room=network_room, author=other_member, text="x", html="x") for _ in range(10)]
    )
    count_queries()  # the first request of a site fills caches (navigation, settings)
    small = count_queries()
    for n in range(10):
        group = make_working_group(site, f"AG {n}")
        Room.objects.create(site=site, kind=Room.Kind.WORKING_GROUP, page=group, title=group.title)
    Message.objects.bulk_create(
        [Message(room=network_room, author=other_member, text="x", html="x") for _ in range(1000)]
    )
    count_queries()  # new pages renew the shared chrome: built again once, then warm
    assert count_queries() == small


def test_room_page_shows_history_escaped_and_pages_back(client, network_room, member):
    earlier = timezone.now() - dt.timedelta(hours=1)
    for n in range(55):
        Message.objects.create(
            room=network_room, author=member, text=f"m{n}", html=f"m{n}", created_at=earlier
        )
    services.post_message(member, network_room, "<b>fett?</b>")
    response = get(client, member, room_url(network_room))
    html = response.content.decode()
    assert "&lt;b&gt;fett?&lt;/b&gt;" in html and "<b>fett?</b>" not in html
    assert "m6<" in html and "m5<" not in html
    older = response.context["older"]
    response = get(client, member, f"{room_url(network_room)}?before={older}")
    assert [m.text for m in response.context["history"]] == [f"m{n}" for n in range(6)]


def test_sending_without_javascript(client, network_room, member):
    client.force_login(member)
    url = reverse("plugins:chat:post", kwargs={"room_id": network_room.pk})
    response = client.post(url, {"text": "ohne JS"}, **HOST)
    assert response.status_code == 302
    assert Message.objects.get().text == "ohne JS"
    response = client.post(url, {"text": ""}, follow=True, **HOST)
    assert Message.objects.count() == 1
    assert "Die Nachricht ist leer." in response.content.decode()


def test_outsider_cannot_post(client, network_room, outsider):
    client.force_login(outsider)
    url = reverse("plugins:chat:post", kwargs={"room_id": network_room.pk})
    assert client.post(url, {"text": "hallo"}, **HOST).status_code == 404
    assert not Message.objects.exists()


# --- reports and moderation ----------------------------------------------------------------


def test_member_reports_a_message(client, network_room, member, other_member):
    message = services.post_message(other_member, network_room, "unfreundlich").message
    url = reverse("plugins:chat:report", kwargs={"message_id": message.pk})
    client.force_login(member)
    response = client.post(url, {"reason": ""}, **HOST)
    assert response.status_code == 200 and not Report.objects.exists()
    response = client.post(url, {"reason": "x" * 1001}, **HOST)
    assert response.status_code == 200 and not Report.objects.exists()
    assert client.post(url, {"reason": "beleidigend"}, **HOST).status_code == 302
    assert Report.objects.get().reason == "beleidigend"
    response = client.post(url, {"reason": "nochmal"}, **HOST)
    assert Report.objects.count() == 1
    assert "bereits gemeldet" in response.content.decode()


def test_outsider_cannot_report(client, group_room, group_member, member):
    message = services.post_message(group_member, group_room, "intern").message
    client.force_login(member)
    url = reverse("plugins:chat:report", kwargs={"message_id": message.pk})
    assert client.post(url, {"reason": "neugierig"}, **HOST).status_code == 404
    assert not Report.objects.exists()


def test_moderation_queue_in_the_admin(client, settings, network_room, member, other_member, staff):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    message = services.post_message(other_member, network_room, "Spam").message
    services.report(member, message.pk, "Werbung")
    client.force_login(staff)
    response = client.get("/admin/chat/reports/", **HOST)
    assert response.status_code == 200
    assert "Werbung" in response.content.decode()
    client.force_login(member)
    assert client.get("/admin/chat/reports/", **HOST).status_code == 302


def test_coordinator_mutes_a_member(client, group_room, group_member, coordinator):
    client.force_login(coordinator)
    url = reverse("plugins:chat:mute", kwargs={"room_id": group_room.pk})
    response = client.post(url, {"member": group_member.pk, "minutes": 60, "reason": "Ton"}, **HOST)
    assert response.status_code == 302
    mute = Mute.objects.get()
    assert mute.user == group_member and mute.until > timezone.now() + dt.timedelta(minutes=59)
    with pytest.raises(services.ChatError) as exc:
        services.post_message(group_member, group_room, "darf ich?")
    assert exc.value.code == "muted"
    assert not Message.objects.exists()


def test_mute_refuses_bad_input(client, group_room, group_member, coordinator, outsider):
    client.force_login(coordinator)
    url = reverse("plugins:chat:mute", kwargs={"room_id": group_room.pk})
    for data in [
        {"member": outsider.pk, "minutes": 60},
        {"member": group_member.pk, "minutes": 7},
        {"member": "abc", "minutes": 60},
        {},
    ]:
        assert client.post(url, data, **HOST).status_code == 200
    assert not Mute.objects.exists()


def test_plain_member_cannot_mute(group_room, group_member, coordinator):
    with pytest.raises(services.ChatError):
        services.mute(group_member, group_room, coordinator, 60)
    assert not Mute.objects.exists()


# --- mentions ------------------------------------------------------------------------------


def test_mention_is_shown_in_the_site_and_mailed_when_offline(
    client, site, network_room, member, other_member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    other_member.preferred_language = "uk"
    other_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.post_message(
            member, network_room, "Frage an @Olena: passt Montag?"
        ).message
    assert '<strong class="chat-mention">@Olena</strong>' in message.html
    mention = Mention.objects.get()
    assert mention.user == other_member and mention.emailed_at is not None
    [sent] = mail.outbox
    assert sent.to == ["olena.koval@example.org"]
    assert "passt Montag?" in sent.body
    assert f"http://beckum.test/uk/chat/{network_room.pk}/#message-{message.pk}" in sent.body
    response = get(client, other_member, reverse("plugins:chat:rooms"))
    assert response.context["mentions"] == [mention]
    # reading the room marks the mention seen
    get(client, other_member, room_url(network_room))
    assert Mention.objects.get().seen_at is not None


def test_no_mail_when_online_or_unwanted(
    network_room, member, other_member, django_capture_on_commit_callbacks
):
    from plugins.chat.models import NotificationPreference

    mail.outbox.clear()
    Connection.objects.create(channel_name="x", room=network_room, user=other_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(member, network_room, "@olena.koval online?")
    Connection.objects.all().delete()
    NotificationPreference.objects.create(user=other_member, email_mentions=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(member, network_room, "@Olena offline, aber will nicht")
    assert Mention.objects.count() == 2
    assert mail.outbox == []


def test_mention_of_someone_outside_the_room_is_ignored(group_room, group_member, member):
    message = services.post_message(group_member, group_room, "@Petra kennt das nicht").message
    assert "chat-mention" not in message.html
    assert not Mention.objects.exists()


def test_mention_mail_goes_once(
    network_room, member, other_member, django_capture_on_commit_callbacks
):
    from plugins.chat.tasks import send_mention_digest

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(member, network_room, "@Olena hallo")
    assert send_mention_digest.call(other_member.pk) == 0  # already mailed
    assert len(mail.outbox) == 1


def test_mention_mail_through_a_real_smtp_server(
    smtp_settings, network_room, member, other_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(member, network_room, "@Olena bitte melden")
    from email.header import decode_header, make_header

    [message] = smtp_settings.to("olena.koval@example.org")
    assert "Petra Wessel" in str(make_header(decode_header(message["Subject"])))


# --- rooms in the admin --------------------------------------------------------------------


def test_room_must_fit_its_page(site, working_group, other_site):
    room = Room(site=site, kind=Room.Kind.EVENT, page=working_group, title="x")
    with pytest.raises(ValidationError):
        room.full_clean()
    room = Room(site=site, kind=Room.Kind.NETWORK, page=working_group, title="x")
    with pytest.raises(ValidationError):
        room.full_clean()
    room = Room(site=other_site, kind=Room.Kind.WORKING_GROUP, page=working_group, title="x")
    with pytest.raises(ValidationError):
        room.full_clean()
    Room(site=site, kind=Room.Kind.WORKING_GROUP, page=working_group, title="x").full_clean()


def test_dashboard_shows_the_chat_panel(client, network_room, member, other_member, site):
    services.post_message(other_member, network_room, "neu")
    response = get(client, member, reverse("accounts:dashboard"))
    html = response.content.decode()
    assert "Netzwerk Beckum" in html and "1 ungelesen" in html
    PluginSettings.set_enabled(site, "chat", False)
    html = get(client, member, reverse("accounts:dashboard")).content.decode()
    assert "Netzwerk Beckum" not in html


@pytest.mark.django_db
def test_typing_and_edit_events_are_limited_like_messages(member):
    """Over the websocket, typing and edit events count in the cache: 10 in 10 seconds."""
    from plugins.chat import services

    for _event in range(10):
        services.check_event_rate(member, "typing")
    with pytest.raises(services.ChatError) as refused:
        services.check_event_rate(member, "typing")
    assert refused.value.code == "rate_limited"
    services.check_event_rate(member, "edit")  # counted apart


def test_a_room_page_notices_a_removal_no_signal_reported(client, member, network_room):
    """A person's towns are kept for their pages; the room's own pages read them from the
    database, as the socket does, so even a removal made without signals closes the room."""
    client.force_login(member)
    url = f"/chat/{network_room.pk}/"
    assert client.get(url, **HOST).status_code == 200
    assert client.get(url, **HOST).status_code == 200  # the towns now kept
    member.groups.through.objects.filter(user_id=member.pk).delete()  # no m2m signal
    assert client.get(url, **HOST).status_code == 404
