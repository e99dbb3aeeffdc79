"""The admin side of the chat: rooms (the integration manager opens event rooms here),
the moderation queue of reports, and mutes. Menu items are named "chat-…" so they hide
on sites where the plugin is off."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from treffpunkt.accounts import scope
from treffpunkt.accounts.scope import SiteScopedViewSetMixin

from .models import Mute, Report, Room

# Each town's managers see their town's rooms, reports and mutes only (superusers: all).
scope.register(Room, site="site")
scope.register(Report, site="message__room__site")
scope.register(Mute, site="room__site")


class RoomViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Room
    name = "chat-rooms"
    url_prefix = "chat/rooms"
    icon = "comment"
    menu_label = _("Rooms")
    list_display = ["title", "kind", "site", "created_at"]
    list_filter = ["kind", "site"]
    panels = [FieldPanel("site"), FieldPanel("kind"), FieldPanel("page"), FieldPanel("title")]
    add_to_admin_menu = False


class ReportViewSet(SiteScopedViewSetMixin, ModelViewSet):
    """The moderation queue: open reports first. Deleting the message itself is done in
    the room (moderators see a Delete button on every message)."""

    model = Report
    name = "chat-reports"
    url_prefix = "chat/reports"
    icon = "warning"
    menu_label = _("Reports")
    list_display = ["__str__", "reason", "reporter", "status", "created_at"]
    list_filter = ["status"]
    panels = [FieldPanel("status")]
    add_to_admin_menu = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Report.objects.select_related("message", "message__author", "reporter")


class MuteViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Mute
    name = "chat-mutes"
    url_prefix = "chat/mutes"
    icon = "lock"
    menu_label = _("Mutes")
    list_display = ["user", "room", "until", "reason"]
    panels = [FieldPanel("until"), FieldPanel("reason")]
    add_to_admin_menu = False


class ChatViewSetGroup(ViewSetGroup):
    menu_label = _("Chat")
    menu_icon = "comment"
    menu_name = "chat"
    items = (RoomViewSet, ReportViewSet, MuteViewSet)


@hooks.register("register_admin_viewset")
def register_chat_viewsets():
    return ChatViewSetGroup()
