"""Who may read and write in a room, derived from what the room is attached to.

There is no member list of its own: the network room follows network membership, a working
group room the group's active memberships, an event room the event's confirmed helpers.
Integration managers and staff may enter (and moderate) every room of their site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from treffpunkt.accounts.roles import INTEGRATION_MANAGERS

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


def is_manager(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name=INTEGRATION_MANAGERS).exists()


def can_access(user: AnonymousUser | object, room: Room) -> bool:
    """Whether ``user`` may read and write in ``room`` right now."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_manager(user):
        return True
    if room.kind == room.Kind.NETWORK:
        from networks.membership import is_network_member

        return is_network_member(user, room.site)
    if room.page_id is None:
        return False
    if room.kind == room.Kind.WORKING_GROUP:
        from networks.membership import is_member

        return is_member(user, room.page.specific)
    if room.kind == room.Kind.EVENT:
        from events.registrations import registered_users

        return registered_users(room.page.specific, kind="helper").filter(pk=user.pk).exists()
    return False


def can_moderate(user, room: Room) -> bool:
    """Delete anyone's message and mute members: managers, staff, and a group's coordinators."""
    if not can_access(user, room):
        return False
    if is_manager(user):
        return True
    if room.kind == room.Kind.WORKING_GROUP:
        from networks.membership import is_coordinator

        return is_coordinator(user, room.page.specific)
    return False


def accessible_rooms(user, site) -> list[Room]:
    """The rooms of ``site`` that ``user`` may enter, in a number of queries independent of
    how many rooms and messages there are (one per event room at most)."""
    from .models import Room

    rooms = list(Room.objects.filter(site=site).select_related("site", "page"))
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if is_manager(user):
        return rooms
    allowed: list[Room] = []
    group_ids: set[int] | None = None
    network_member: bool | None = None
    for room in rooms:
        if room.kind == Room.Kind.NETWORK:
            if network_member is None:
                from networks.membership import is_network_member

                network_member = is_network_member(user, site)
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

    from treffpunkt.accounts.roles import NETWORK_MEMBERS

    User = get_user_model()
    managers = Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=INTEGRATION_MANAGERS)
    if room.kind == room.Kind.NETWORK:
        # the rule of networks.membership.is_network_member, as a query
        members = Q(groups__name=NETWORK_MEMBERS)
        return User.objects.filter(is_active=True).filter(managers | members).distinct()
    if room.kind == room.Kind.WORKING_GROUP:
        from networks.membership import members_of

        ids = members_of(room.page.specific).values("pk")
    else:
        from events.registrations import registered_users

        ids = registered_users(room.page.specific, kind="helper").values("pk")
    return User.objects.filter(is_active=True).filter(managers | Q(pk__in=ids)).distinct()
