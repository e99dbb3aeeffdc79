"""The chat's entry in the main menu, kept per person and town in the shared cache.

Every page a signed-in person opens shows "Chat" with their unread count when they may enter
a room of the town; worked out from the database that is two queries or more on every page
(the rooms they may enter, then the count). Here the answer is kept per person and town
under three generations (:mod:`treffpunkt.core.generations`), and a warm page asks no SQL
for it:

* the town's, bumped by a message written or deleted and a room made or removed there
  (and by a plugin that says who may enter its rooms changed: :func:`plugins.chat.api.room_members_changed`);
* the person's, bumped when their read markers move, their groups (a town's managers and
  network members), working-group memberships or helper sign-ups change, or their account
  is saved (deactivated, made superuser);
* everyone's, bumped by what changes the roles of a whole town (its role groups, a group
  deleted, a group emptied from its side, a plugin switched on or off).

Changes made with ``QuerySet.update()`` send no signal: code of the chat that moves read
markers so bumps itself (:func:`plugins.chat.services.mark_read`). A change that no signal
reports (a raw update elsewhere) shows in the menu after :data:`TIMEOUT` at the latest;
it never opens a room: every room view and socket checks access live
(:mod:`plugins.chat.access`).

Only the number is kept (``None`` for someone who may enter no room), per person: nothing
of one person is shown to another, and nothing of it reaches the anonymous page cache
(the ``member_menu`` slot is rendered for signed-in people only).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from networks.models import Membership
from treffpunkt.core import generations, prefetch
from treffpunkt.signals import registration_confirmed, registration_ended

from .models import Message, ReadMarker, Room

#: a backstop only: every change the menu shows bumps a generation at once
TIMEOUT = 300

_EVERYONE = "chat:menu:gen:all"


def _town(site_id) -> str:
    return f"chat:menu:gen:site:{site_id}"


def _person(user_id) -> str:
    return f"chat:menu:gen:person:{user_id}"


def unread_in_menu(user, site) -> int | None:
    """The number of messages ``user`` has not read in the rooms of ``site`` they may
    enter, or None when they may enter none; from the cache while nothing it depends on
    changed (no SQL), else from the database."""
    from .access import accessible_rooms
    from .services import with_unread_counts

    def count() -> int | None:
        rooms = accessible_rooms(user, site)
        return sum(room.unread for room in with_unread_counts(rooms, user)) if rooms else None

    return generations.keep(
        _entry(site.pk, user.pk), _generations(site.pk, user.pk), count, TIMEOUT
    )


def _entry(site_id, user_id) -> str:
    return f"chat:menu:entry:{site_id}:{user_id}"


def _generations(site_id, user_id) -> tuple[str, ...]:
    return (_EVERYONE, _town(site_id), _person(user_id))


def first_round_trip(request, site_id, user_id) -> list[str]:
    """What :func:`unread_in_menu` will ask the cache for, in the round trip that finds the
    site (:mod:`treffpunkt.core.prefetch`): for the person this process last saw with the
    request's session cookie, on the site it last found for the host."""
    if site_id is None or user_id is None:
        return []
    return [*_generations(site_id, user_id), _entry(site_id, user_id)]


def town_changed(site_id) -> None:
    """Messages, rooms or a plugin room's people of a town changed (None: of every town)."""
    generations.bump(_EVERYONE if site_id is None else _town(site_id))


def people_changed(user_ids) -> None:
    """What these people may enter or have read changed."""
    generations.bump(*(_person(pk) for pk in user_ids if pk is not None))


def everyone_changed() -> None:
    generations.bump(_EVERYONE)


# --- receivers (connected by importing this module in ChatConfig.ready) ---------------------


@receiver(post_save, sender=Message, dispatch_uid="chat_menu_message_saved")
def _message_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if not created and update_fields is not None and "deleted_at" not in update_fields:
        return  # an edit: no count changes
    if Message.room.is_cached(instance):
        town_changed(instance.room.site_id)
    else:
        town_changed(Room.objects.filter(pk=instance.room_id).values_list("site_id").first()[0])


@receiver(post_delete, sender=Message, dispatch_uid="chat_menu_message_deleted")
def _message_deleted(sender, instance, **kwargs) -> None:
    # rows go only with their room (whose own signal follows) or by hand: the room may be
    # gone already, so without it every town starts anew
    town_changed(instance.room.site_id if Message.room.is_cached(instance) else None)


@receiver(post_save, sender=Room, dispatch_uid="chat_menu_room_saved")
@receiver(post_delete, sender=Room, dispatch_uid="chat_menu_room_deleted")
def _room_changed(sender, instance, **kwargs) -> None:
    town_changed(instance.site_id)


@receiver(post_save, sender=ReadMarker, dispatch_uid="chat_menu_marker_saved")
@receiver(post_delete, sender=ReadMarker, dispatch_uid="chat_menu_marker_deleted")
@receiver(post_save, sender=Membership, dispatch_uid="chat_menu_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="chat_menu_membership_deleted")
def _person_row_changed(sender, instance, **kwargs) -> None:
    people_changed([instance.user_id])


def _helper_changed(sender, instance=None, registration=None, **kwargs) -> None:
    registration = registration or instance
    if registration.user_id and registration.kind == registration.Kind.HELPER:
        people_changed([registration.user_id])


def _user_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # a sign-in moves nothing the menu shows
    people_changed([instance.pk])


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        people_changed([instance.pk])
    elif pk_set is None:  # a group emptied: whom it held is not told
        everyone_changed()
    else:
        people_changed(pk_set)


def _roles_changed(sender, **kwargs) -> None:
    everyone_changed()


def connect() -> None:
    """The receivers of models outside the chat (called from ``ChatConfig.ready``), and the
    menu's keys in the first round trip of a request."""
    from django.contrib.auth.models import Group

    from events.models import Registration
    from treffpunkt.accounts.models import SiteRoles
    from treffpunkt.plugins.models import PluginSettings

    prefetch.register(first_round_trip)
    User = get_user_model()
    for signal in (post_save, post_delete):
        signal.connect(_helper_changed, sender=Registration, dispatch_uid="chat_menu_helper")
        signal.connect(_roles_changed, sender=SiteRoles, dispatch_uid="chat_menu_site_roles")
    # the sign-up engine confirms and ends some sign-ups with QuerySet.update(); it tells
    # these (where the chat is on: switching it on starts every entry anew, below)
    registration_confirmed.connect(_helper_changed, dispatch_uid="chat_menu_helper_confirmed")
    registration_ended.connect(_helper_changed, dispatch_uid="chat_menu_helper_ended")
    post_save.connect(_user_saved, sender=User, dispatch_uid="chat_menu_user_saved")
    post_delete.connect(_roles_changed, sender=Group, dispatch_uid="chat_menu_group_deleted")
    post_save.connect(_roles_changed, sender=PluginSettings, dispatch_uid="chat_menu_plugins")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="chat_menu_groups"
    )
