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


def _tell_the_chat(site_id) -> None:
    from plugins.chat import api

    api.room_members_changed(site_id)


def _programme_site(programme_id) -> int | None:
    """None when the programme is gone (deleted with everything of it): every town then."""
    return Programme.objects.filter(pk=programme_id).values_list("site_id", flat=True).first()


def _mentor_changed(sender, instance, **kwargs) -> None:
    _tell_the_chat(_programme_site(instance.programme_id))


def _coordinators_changed(sender, instance, action, reverse, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _tell_the_chat(None if reverse else instance.site_id)


def connect_room_members() -> None:
    """Answer who may enter a programme's room, and tell the chat when they change (its
    main-menu entry is kept per person until told)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from plugins.chat.signals import room_members

    from .models import MentorProfile

    room_members.connect(programme_room_members, dispatch_uid="mentoring_room_members")
    post_save.connect(_mentor_changed, sender=MentorProfile, dispatch_uid="mentoring_chat_saved")
    post_delete.connect(
        _mentor_changed, sender=MentorProfile, dispatch_uid="mentoring_chat_deleted"
    )
    m2m_changed.connect(
        _coordinators_changed,
        sender=Programme.coordinators.through,
        dispatch_uid="mentoring_chat_coordinators",
    )
