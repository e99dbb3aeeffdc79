"""Who may read and write in a room, derived from what the room is attached to.

There is no member list of its own: the network room follows network membership, a working
group room the group's active memberships, an event room the event's confirmed helpers.
The integration managers of the room's town (and superusers) may enter and moderate every
room of that town; the rules of who manages and who belongs to a town's network are
:mod:`treffpunkt.accounts.roles`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from treffpunkt.accounts import roles

if TYPE_CHECKING:
    from wagtail.models import Page

    from .models import Room


def page_kind(page: Page | None) -> str | None:
    """The room kind a page can carry: "working_group", "event" or None."""
    if page is None:
        return None
    from events.models import EventPage
    from networks.models import WorkingGroupPage

    cls = page.specific_class
    if cls is not None and issubclass(cls, WorkingGroupPage):
        return "working_group"
    if cls is not None and issubclass(cls, EventPage):
        return "event"
    return None


def can_access(user: AnonymousUser | object, room: Room) -> bool:
    """Whether ``user`` may read and write in ``room`` right now."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if roles.is_manager(user, room.site_id):
        return True
    if room.kind == room.Kind.NETWORK:
        return roles.is_network_member(user, room.site_id)
    if room.kind == room.Kind.PLUGIN:
        return _plugin_room_access(user, room)
    if room.page_id is None:
        return False
    if room.kind == room.Kind.WORKING_GROUP:
        from networks.membership import is_member

        return is_member(user, room.page.specific)
    if room.kind == room.Kind.EVENT:
        from events.registrations import registered_users

        return registered_users(room.page.specific, kind="helper").filter(pk=user.pk).exists()
    return False


def _plugin_room_members(room: Room):
    """The users a plugin names for its room (none when the plugin is off for the town)."""
    from django.contrib.auth import get_user_model

    from .signals import room_members

    User = get_user_model()
    found = User.objects.none()
    for answer in room_members.collect(room.site, room=room):
        found = found | User.objects.filter(pk__in=answer.values("pk"))
    return found


def _plugin_room_access(user, room: Room) -> bool:
    return _plugin_room_members(room).filter(pk=user.pk).exists()


def can_moderate(user, room: Room) -> bool:
    """Delete anyone's message and mute members: managers, staff, and a group's coordinators."""
    if not can_access(user, room):
        return False
    if roles.is_manager(user, room.site_id):
        return True
    if room.kind == room.Kind.WORKING_GROUP:
        from networks.membership import is_coordinator

        return is_coordinator(user, room.page.specific)
    return False


#: renewed by every working-group membership and room saved or deleted, and a person deleted
MODERATORS_GENERATION = "chat:moderators:gen"
#: what is kept outlives no generation; the timeout only bounds unused keys
MODERATORS_TIMEOUT = 24 * 3600


def moderates_any(user) -> bool:
    """Whether ``user`` moderates some room as a coordinator of its working group (the
    managers who moderate are asked for the second factor as managers already).

    The second factor's rule asks it on every request of a signed-in person: with a shared
    cache (Redis) the answer is kept per person under a generation that every membership
    and room saved or deleted renews (now and after the commit); without one it is read on
    every request, so that another process's change counts at once."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from django.conf import settings

    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return _moderates_any(user)
    from treffpunkt.core import generations

    return generations.keep(
        f"chat:moderates:{user.pk}",
        [MODERATORS_GENERATION],
        lambda: _moderates_any(user),
        MODERATORS_TIMEOUT,
    )


def _moderates_any(user) -> bool:
    from networks.models import Membership

    from .models import Room

    rooms = Room.objects.filter(kind=Room.Kind.WORKING_GROUP, page__isnull=False)
    return Membership.objects.filter(
        user=user,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
        working_group_id__in=rooms.values("page_id"),
    ).exists()


def moderators_changed(*args, **kwargs) -> None:
    """Who coordinates a working group with a room may have changed: ask everyone again."""
    from treffpunkt.core import generations

    if not kwargs.get("raw"):
        generations.bump(MODERATORS_GENERATION)


def connect() -> None:
    """The receivers that renew :func:`moderates_any` (called from ``ChatConfig.ready``)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete

    from networks.models import Membership
    from treffpunkt.core import generations

    from .models import Room

    generations.connect_saved_and_deleted(
        moderators_changed, (Membership, Room), uid="chat_moderators"
    )
    # a deleted person's key may come back with a new one (SQLite reuses the highest id)
    post_delete.connect(
        moderators_changed, sender=get_user_model(), weak=False, dispatch_uid="chat_moderators_user"
    )


def accessible_rooms(user, site) -> list[Room]:
    """The rooms of ``site`` that ``user`` may enter, in a number of queries independent of
    how many rooms and messages there are (one per event room at most)."""
    from .models import Room

    rooms = list(Room.objects.filter(site=site).select_related("site", "page"))
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if roles.is_manager(user, site):
        return rooms
    allowed: list[Room] = []
    group_ids: set[int] | None = None
    network_member: bool | None = None
    for room in rooms:
        if room.kind == Room.Kind.NETWORK:
            if network_member is None:
                network_member = roles.is_network_member(user, site)
            if network_member:
                allowed.append(room)
        elif room.kind == Room.Kind.WORKING_GROUP:
            if group_ids is None:
                from networks.membership import groups_of

                group_ids = set(groups_of(user).values_list("pk", flat=True))
            if room.page_id in group_ids:
                allowed.append(room)
        elif can_access(user, room):
            allowed.append(room)
    return allowed


def room_members(room: Room):
    """Everyone who may enter ``room`` (for mentions): a QuerySet of users."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    managers = roles.managers_q(room.site_id)
    if room.kind == room.Kind.NETWORK:
        return roles.network_members_of(room.site)
    if room.kind == room.Kind.WORKING_GROUP:
        from networks.membership import members_of

        ids = members_of(room.page.specific).values("pk")
    elif room.kind == room.Kind.PLUGIN:
        ids = _plugin_room_members(room).values("pk")
    else:
        from events.registrations import registered_users

        ids = registered_users(room.page.specific, kind="helper").values("pk")
    return User.objects.filter(is_active=True).filter(managers | Q(pk__in=ids)).distinct()
