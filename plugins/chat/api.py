"""What other plugins may use of the chat (nothing else of it is public).

A plugin that wants a room for its own people (a mentoring programme's mentors) calls
:func:`ensure_room` with a key of its own (``"<label>.<thing>:<id>"``) and answers
:data:`plugins.chat.signals.room_members` for rooms with that key. Where the chat is off for
the town, :func:`ensure_room` answers None and the plugin offers no room. When the people
it names change, it calls :func:`room_members_changed`, so that their "Chat" entry in the
main menu (kept per person: :mod:`plugins.chat.menu`) follows.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse

from treffpunkt.plugins import registry


def available(site) -> bool:
    """Whether the chat is on for ``site``."""
    return registry.is_enabled("chat", site)


def ensure_room(site, owner: str, title: str):
    """The room of ``site`` with the key ``owner`` (created on first use, its title kept up
    to date), or None where the chat is off for the town."""
    from .models import Room

    if not available(site) or not owner:
        return None
    title = title[:120]
    room = Room.objects.filter(site=site, kind=Room.Kind.PLUGIN, owner=owner[:100]).first()
    if room is None:
        try:
            with transaction.atomic():
                room = Room.objects.create(
                    site=site, kind=Room.Kind.PLUGIN, owner=owner[:100], title=title
                )
        except IntegrityError:  # created in the same moment by someone else
            room = Room.objects.get(site=site, kind=Room.Kind.PLUGIN, owner=owner[:100])
    if room.title != title:
        Room.objects.filter(pk=room.pk).update(title=title)
        room.title = title
    return room


def room_url(room) -> str:
    """The room's page (in the active language)."""
    return reverse("plugins:chat:room", args=[room.pk])


def room_members_changed(site=None) -> None:
    """Tell the chat that the people a plugin names for its rooms of ``site`` (a ``Site``
    or its id; None: of every town) changed: the main menu's chat entries of that town are
    worked out again. Who may enter a room is always asked live; this is for the menu."""
    from .menu import town_changed

    town_changed(getattr(site, "pk", site))
