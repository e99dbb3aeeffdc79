"""The chat's entry in the main menu (the core's ``member_menu`` slot)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
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


@register.simple_tag(takes_context=True)
def chat_menu_item(context) -> str:
    """The menu's ``<li>`` for :func:`chat_menu_entry`, or nothing: on every page a member
    opens, so written here rather than by a template of its own (which cost a fifth of a
    millisecond a page)."""
    chat = chat_menu_entry(context)
    if not chat:
        return ""
    badge = ""
    if chat["unread"]:
        # the same message as {% blocktranslate count %} asks the catalogue for
        text = ngettext("%(counter)s unread", "%(counter)s unread", chat["unread"])
        badge = format_html(
            ' <span class="badge">{}</span>', text % {"counter": localize(chat["unread"])}
        )
    return format_html(
        '<li><a href="{}"{}>{}{}</a></li>',
        chat["url"],
        mark_safe(' aria-current="page"') if chat["active"] else "",
        gettext("Chat"),
        badge,
    )
