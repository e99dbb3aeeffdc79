"""Pages of the chat: the room list, a room, reporting a message, muting a member."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from treffpunkt.accounts.roles import reread
from treffpunkt.core.converters import bounded_int

from . import services
from .access import accessible_rooms, can_access, can_moderate, room_members
from .broadcast import broadcast_message
from .forms import MuteForm, PreferenceForm, ReportForm
from .models import Mention, Message, NotificationPreference, Room


def _room_for(request, room_id: int) -> Room:
    """The room on this site, if the visitor may enter it; 404 otherwise (no hint that a
    room exists to people outside it)."""
    site = Site.find_for_request(request)
    room = Room.objects.select_related("site", "page").filter(pk=room_id, site=site).first()
    reread(request.user)  # who may enter, from the database, as the socket checks it
    if room is None or not can_access(request.user, room):
        raise Http404
    return room


@login_required
def room_list(request):
    site = Site.find_for_request(request)
    rooms = services.with_unread_counts(accessible_rooms(request.user, site), request.user)
    mentions = list(
        Mention.objects.filter(
            user=request.user,
            seen_at__isnull=True,
            message__deleted_at__isnull=True,
            message__room__site=site,
        )
        .select_related("message", "message__author", "message__room")
        .order_by("-pk")[:20]
    )
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(instance=preference or NotificationPreference(user=request.user))
    return render(
        request, "chat/room_list.html", {"rooms": rooms, "mentions": mentions, "form": form}
    )


@login_required
@require_POST
def preferences(request):
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST, instance=preference or NotificationPreference(user=request.user)
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings have been saved."))
    return redirect("plugins:chat:rooms")


def client_strings() -> dict[str, str]:
    """The words chat.js needs, in the page's language (no separate catalogue request)."""
    return {
        "connecting": _("Connecting…"),
        "connected": _("Connected. New messages appear here."),
        "reconnecting": _("Connection lost. Trying again in %(seconds)s seconds…"),
        "closed": _("You are no longer a member of this room."),
        "edited": _("edited"),
        "deleted": _("This message was deleted."),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": _("Report"),
        "save": _("Save"),
        "send": _("Send"),
        "confirmDelete": _("Delete this message?"),
        "typing": _("%(name)s is typing…"),
        "nobody": _("Nobody else right now."),
        "newMessage": _("New message from %(name)s: %(text)s"),
        "older": _("Show older messages"),
        "noOlder": _("This is the beginning of the room."),
    }


@login_required
def room(request, room_id: int):
    room = _room_for(request, room_id)
    before_id = bounded_int(request.GET.get("before"), minimum=1)
    history = services.messages_before(room, before_id)
    if history and before_id is None:
        services.mark_read(request.user, room, history[-1].pk)
    context = {
        "room": room,
        "history": history,
        "older": history[0].pk if len(history) == services.HISTORY_PAGE else None,
        "newer": before_id is not None,
        "last_id": history[-1].pk if history else 0,
        "moderator": can_moderate(request.user, room),
        "online": services.online_users(room),
        "mute": services.active_mute(request.user, room),
        "max_length": services.setting("MAX_MESSAGE_LENGTH"),
        "strings": client_strings(),
    }
    return render(request, "chat/room.html", context)


@login_required
@require_POST
def post(request, room_id: int):
    """Sending without JavaScript: the form posts here and the page reloads."""
    room = _room_for(request, room_id)
    try:
        result = services.post_message(request.user, room, request.POST.get("text", ""))
    except services.ChatError as exc:
        messages.error(request, exc.message)
    else:
        broadcast_message(result.message)
    return redirect(room.get_absolute_url() + "#composer")


@login_required
@require_http_methods(["GET", "POST"])
def report(request, message_id: int):
    message = get_object_or_404(
        Message.objects.select_related("room", "author"),
        pk=message_id,
        room__site=Site.find_for_request(request),
        deleted_at__isnull=True,
    )
    reread(request.user)
    if not can_access(request.user, message.room):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(request.user, message.pk, form.cleaned_data["reason"])
        except services.ChatError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you. The coordinators will look at this message."))
            return redirect(message.room.get_absolute_url())
    return render(request, "chat/report.html", {"form": form, "message": message})


@login_required
@require_http_methods(["GET", "POST"])
def mute(request, room_id: int):
    room = _room_for(request, room_id)
    if not can_moderate(request.user, room):
        raise Http404
    members = list(room_members(room).exclude(pk=request.user.pk))
    form = MuteForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        member = next(m for m in members if m.pk == form.cleaned_data["member"])
        try:
            result = services.mute(
                request.user,
                room,
                member,
                form.cleaned_data["minutes"],
                form.cleaned_data["reason"],
            )
        except services.ChatError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is muted in this room.") % {"name": result.user.display_name},
            )
            return redirect(room.get_absolute_url())
    return render(request, "chat/mute.html", {"form": form, "room": room})
