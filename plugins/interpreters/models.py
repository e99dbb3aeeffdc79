"""The interpreter pool of a town: mediators, requests, offers, assignments.

Every row belongs to one site (a town), directly (``site``) or through its request or
mediator; the admin and every view scope by it (:mod:`.access`, ``scope.register`` in
:mod:`.wagtail_hooks`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from recurrence.fields import RecurrenceField

from .languages import language_choices, language_name


class Topic(models.TextChoices):
    HEALTH = "health", _("health")
    AUTHORITIES = "authorities", _("authorities")
    SCHOOL = "school", _("school and childcare")
    COUNSELLING = "counselling", _("counselling")
    HOUSING = "housing", _("housing")
    OTHER = "other", _("other")


class Mode(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    PHONE = "phone", _("by phone")
    VIDEO = "video", _("by video")


class Gender(models.TextChoices):
    FEMALE = "female", _("woman")
    MALE = "male", _("man")
    DIVERSE = "diverse", _("diverse")


class Level(models.IntegerChoices):
    BASIC = 1, _("good")
    FLUENT = 2, _("fluent")
    NATIVE = 3, _("native speaker")


class ChoiceListField(models.JSONField):
    """A list of choices (topics, modes) shown as checkboxes; works on SQLite too."""

    def __init__(self, *args, choice_list=(), **kwargs):
        self.choice_list = list(choice_list)
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choice_list"] = self.choice_list
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.choice_list,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


class Mediator(ClusterableModel):
    """A language mediator (Sprachmittler:in) of one town's pool, linked to an account."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="interpreters_mediators",
        verbose_name=_("site"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interpreters_mediators",
        verbose_name=_("account"),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    topics = ChoiceListField(
        _("topics"),
        choice_list=Topic.choices,
        help_text=_("Topics this person accepts; none ticked means every topic."),
    )
    modes = ChoiceListField(
        _("ways of interpreting"),
        choice_list=Mode.choices,
        help_text=_("None ticked means every way."),
    )
    monthly_wish = models.PositiveSmallIntegerField(
        _("assignments wished per month"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    active = models.BooleanField(_("active"), default=True)
    paid = models.BooleanField(_("paid"), default=False)
    in_directory = models.BooleanField(
        _("shown in the contact directory"),
        default=False,
        help_text=_("Only if the person chose so."),
    )
    notes = models.TextField(_("notes for the coordinators"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("language mediator")
        verbose_name_plural = _("language mediators")
        ordering = ["user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="interpreters_one_mediator")
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def first_name(self) -> str:
        return self.user.first_name or str(self)


class MediatorLanguage(models.Model):
    mediator = ParentalKey(Mediator, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, choices=language_choices())
    dialect = models.CharField(
        _("dialect"), max_length=60, blank=True, help_text=_("e.g. Syrian, Iraqi, Badini")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, default=Level.FLUENT
    )

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        indexes = [models.Index(fields=["language"])]

    def __str__(self) -> str:
        name = language_name(self.language)
        return f"{name} ({self.dialect})" if self.dialect else name


class Availability(models.Model):
    """When a mediator is usually free: days from a recurrence rule, one time window."""

    mediator = ParentalKey(Mediator, on_delete=models.CASCADE, related_name="availabilities")
    starts_on = models.DateField(_("from"), default=dt.date.today)
    recurrence = RecurrenceField(_("days"))
    start_time = models.TimeField(_("from (time)"))
    end_time = models.TimeField(_("until (time)"))

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")

    def __str__(self) -> str:
        return f"{self.recurrence} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


class Absence(models.Model):
    mediator = ParentalKey(Mediator, on_delete=models.CASCADE, related_name="absences")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["first_day"]

    def __str__(self) -> str:
        return f"{self.first_day} – {self.last_day}"

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day cannot be before the first.")})


class OfferMode(models.TextChoices):
    IN_TURN = "in_turn", _("one after the other, best fitting first")
    ALL = "all", _("to several at once, the first to accept")


class Request(models.Model):
    """A request for a language mediator at a time and place."""

    class Status(models.TextChoices):
        OPEN = "open", _("looking for someone")
        ASSIGNED = "assigned", _("assigned")
        ESCALATED = "escalated", _("nobody found yet: with the coordinator")
        CANCELLED = "cancelled", _("cancelled")
        DONE = "done", _("done")

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="interpreters_requests",
        verbose_name=_("site"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpreters_requests",
        verbose_name=_("requested by"),
    )
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=3, choices=language_choices())
    dialect = models.CharField(_("dialect"), max_length=60, blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("expected duration (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    mode = models.CharField(_("way"), max_length=10, choices=Mode.choices, default=Mode.ON_SITE)
    place = models.CharField(
        _("place, phone number or video link"),
        max_length=300,
        help_text=_("Only sent to the mediator who takes the assignment."),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    preferred_gender = models.CharField(
        _("preferred gender of the mediator"),
        max_length=10,
        choices=Gender.choices,
        blank=True,
        help_text=_("Only where it matters, e.g. at a gynaecologist's."),
    )
    note = models.TextField(
        _("short note"),
        max_length=500,
        blank=True,
        help_text=_("No health details beyond what the mediator needs to know."),
    )
    offer_mode = models.CharField(
        _("offer"), max_length=10, choices=OfferMode.choices, default=OfferMode.ALL
    )
    people = models.PositiveSmallIntegerField(
        _("people who need it"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    #: what made the request when no one filled in the form: ``event:<page id>`` (its
    #: sign-ups asked for interpretation); one request per source and language
    source = models.CharField(_("made from"), max_length=40, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer_by = models.DateTimeField(_("find someone by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("interpreting request")
        verbose_name_plural = _("interpreting requests")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["site", "status", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "source", "language"],
                condition=~models.Q(source=""),
                name="interpreters_one_request_per_source_language",
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{language_name(self.language)} · {local:%d.%m.%Y %H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.pk is None:
            return
        # An assigned request keeps its time: moving it would skip the mediator's
        # double-booking check and leave them at the old time. Cancel and ask anew instead.
        before = Request.objects.filter(pk=self.pk).values("starts_at", "duration_minutes").first()
        assigned = Assignment.objects.filter(request_id=self.pk, mediator__isnull=False).exists()
        if (
            before
            and assigned
            and (
                before["starts_at"] != self.starts_at
                or before["duration_minutes"] != self.duration_minutes
            )
        ):
            raise ValidationError(
                _(
                    "A mediator has already taken this request, so its time cannot change. "
                    "Cancel it and make a new request for the new time."
                )
            )

    @property
    def ends_at(self) -> dt.datetime:
        # in UTC: aware arithmetic in a zone with DST would add wall-clock time
        return self.starts_at.astimezone(dt.UTC) + dt.timedelta(minutes=self.duration_minutes)

    @property
    def language_label(self) -> str:
        name = language_name(self.language)
        return f"{name} ({self.dialect})" if self.dialect else name

    @property
    def event_id(self) -> int | None:
        """The event page whose sign-ups asked for it (``source == "event:<id>"``)."""
        kind, _sep, key = self.source.partition(":")
        return int(key) if kind == "event" and key.isascii() and key.isdigit() else None

    @cached_property
    def source_event(self):
        """The event (specific page) whose sign-ups made this request, or None."""
        if self.event_id is None:
            return None
        from events.models import EventPage

        return EventPage.objects.filter(pk=self.event_id).first()


def with_source_events(requests) -> list[Request]:
    """``requests`` as a list, each with its ``source_event`` loaded (one query for all)."""
    requests = list(requests)
    ids = {r.event_id for r in requests if r.event_id is not None}
    pages = {}
    if ids:
        from events.models import EventPage

        pages = EventPage.objects.in_bulk(ids)
    for r in requests:
        r.__dict__["source_event"] = pages.get(r.event_id) if r.event_id is not None else None
    return requests


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Offer(models.Model):
    """A request offered to one mediator by mail; the token is the mail's secret."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting to be sent")
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        TAKEN = "taken", _("taken by someone else")
        WITHDRAWN = "withdrawn", _("withdrawn")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="offers")
    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="offers")
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["request", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["request", "mediator"], name="interpreters_one_offer")
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.mediator}"


class Assignment(models.Model):
    """Who interprets at a request: one per request (the database refuses a second)."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="assignment")
    # a deleted account takes its mediator profile along; the assignment stays for the
    # pool's numbers, without the person
    mediator = models.ForeignKey(
        Mediator, on_delete=models.SET_NULL, null=True, related_name="assignments"
    )
    # copied from the request so that double bookings are found by one indexed query
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # hours: what each side reported, and what counts
    mediator_minutes = models.PositiveSmallIntegerField(
        _("minutes (mediator)"), null=True, blank=True
    )
    requester_minutes = models.PositiveSmallIntegerField(
        _("minutes (requester)"), null=True, blank=True
    )
    travel_km = models.DecimalField(
        _("travel (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    confirmed_minutes = models.PositiveSmallIntegerField(
        _("confirmed minutes"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("hours confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["mediator", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.mediator} · {self.request}"


class PoolCoordinator(models.Model):
    """A network member the town's integration manager named coordinator of its pool.

    They get the pool's coordinator views and mails for this town (every request, the
    candidates, stepping in, confirming hours, the mediators' statements) and nothing else
    of the manager's rights. Leaving the town's network ends it without deleting the row."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="interpreters_coordinators",
        verbose_name=_("site"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interpreters_coordinator_of",
        verbose_name=_("account"),
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("pool coordinator")
        verbose_name_plural = _("pool coordinators")
        ordering = ["user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="interpreters_one_coordinator")
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email
