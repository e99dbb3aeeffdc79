"""A programme's chat room for its mentors, through the chat plugin's public API only
(:mod:`plugins.chat.api` and :mod:`plugins.chat.signals`). Where the chat is off for the
town, or not installed, nothing here offers a room."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Programme

OWNER_PREFIX = "mentoring.programme:"


def chat_available(site) -> bool:
    if not apps.is_installed("plugins.chat"):
        return False
    from plugins.chat import api

    return api.available(site)


def programme_room(programme: Programme):
    """The programme's room (made on first use), or None where the chat is off."""
    if not chat_available(programme.site):
        return None
    from plugins.chat import api

    return api.ensure_room(programme.site, f"{OWNER_PREFIX}{programme.pk}", programme.name)


def programme_room_members(sender, room, **kwargs):
    """The chat asks who may enter a room: for a programme's room, the programme's mentors
    who have an account (and an active profile) and its coordinators."""
    if room.kind != "plugin" or not room.owner.startswith(OWNER_PREFIX):
        return None
    try:
        programme_id = int(room.owner.removeprefix(OWNER_PREFIX))
    except ValueError:
        return None
    programme = Programme.objects.filter(pk=programme_id, site=sender).first()
    if programme is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        Q(mentor_profiles__programme=programme, mentor_profiles__active=True)
        | Q(pk__in=programme.coordinators.values("pk")),
        is_active=True,
    )
