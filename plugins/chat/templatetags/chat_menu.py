"""The chat's entry in the main menu (the core's ``member_menu`` slot)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from wagtail.models import Site

from ..menu import unread_in_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def chat_menu_entry(context) -> dict | None:
    """The link to the room list with the number of unread messages, or None for someone
    who may enter no room of this site (kept per person and town: :mod:`plugins.chat.menu`)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    site = Site.find_for_request(request)
    unread = unread_in_menu(request.user, site) if site is not None else None
    if unread is None:
        return None
    url = reverse("plugins:chat:rooms")
    return {"url": url, "unread": unread, "active": request.path.startswith(url)}
