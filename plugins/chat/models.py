"""Chat rooms, their messages, and what moderation and notification keep about them.

Who may enter a room is never stored here: it is derived from what the room is attached
to (the network of a site, a working group, an event), see :mod:`plugins.chat.access`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Room(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("whole network")
        WORKING_GROUP = "working_group", _("working group")
        EVENT = "event", _("event helpers")
        PLUGIN = "plugin", _("a plugin's room")

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="chat_rooms",
        verbose_name=_("site"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    #: the working group or event page; empty for the network room. A plain Page key keeps
    #: the chat independent of how networks/ and events/ lay out their tables.
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working group or event"),
        help_text=_("Leave empty for the room of the whole network."),
    )
    title = models.CharField(_("title"), max_length=120)
    #: for a plugin's room: the key the plugin gave it (see plugins.chat.api.ensure_room);
    #: who may enter is that plugin's answer to plugins.chat.signals.room_members
    owner = models.CharField(_("owner"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(kind="network"),
                name="chat_one_network_room_per_site",
            ),
            models.UniqueConstraint(
                fields=["page"],
                condition=models.Q(page__isnull=False),
                name="chat_one_room_per_page",
            ),
            models.UniqueConstraint(
                fields=["site", "owner"],
                condition=models.Q(kind="plugin"),
                name="chat_one_room_per_plugin_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plugins:chat:room", kwargs={"room_id": self.pk})

    def clean(self) -> None:
        from .access import page_kind

        if self.kind == self.Kind.NETWORK:
            if self.page_id:
                raise ValidationError({"page": _("The network room is not attached to a page.")})
            return
        if not self.page_id:
            raise ValidationError({"page": _("Choose the working group or event of this room.")})
        if page_kind(self.page) != self.kind:
            raise ValidationError(
                {"page": _("This page is not a %(kind)s.") % {"kind": self.get_kind_display()}}
            )
        if self.site_id and self.page.get_site() != self.site:
            raise ValidationError({"page": _("This page belongs to another site.")})


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    #: empty once the author deleted their account: the message stays so that the
    #: conversation still reads, shown as from a "deleted member"
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="chat_messages",
    )
    text = models.TextField(_("text"))
    #: ``text`` rendered once, escaped, with links and mentions; what every client shows
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["room", "id"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} – {self.text[:40]}"

    @property
    def author_name(self) -> str:
        if self.author is None:
            return str(_("deleted member"))
        return self.author.display_name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ReadMarker(models.Model):
    """How far a person has read in a room: the unread count is what came after."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="chat_one_marker")]

    def __str__(self) -> str:
        return f"{self.user} read {self.room} up to {self.last_read_id}"


class Connection(models.Model):
    """One open websocket. Kept in the database so every server process sees who is online."""

    channel_name = models.CharField(max_length=200, unique=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"


class Mention(models.Model):
    """Someone was named with @ in a message: shown in the site, mailed if they were away."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="chat_one_mention")]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"@{self.user} in {self.message_id}"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_preference"
    )
    email_mentions = models.BooleanField(
        _("email me when I am mentioned while I am offline"), default=True
    )

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def wants_email(cls, user) -> bool:
        value = cls.objects.filter(user=user).values_list("email_mentions", flat=True).first()
        return True if value is None else value


class Mute(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    until = models.DateTimeField(_("muted until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        ordering = ["-until"]

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed")

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="chat_one_report_each")
        ]

    def __str__(self) -> str:
        return f"{self.message.author_name}: {self.message.text[:60]}"
