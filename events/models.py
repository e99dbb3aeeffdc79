"""Event pages (base event, conference, festival), the calendar page, and registrations.

A conference and a festival extend :class:`EventPage` by multi-table inheritance, so the
calendar, the feeds and the registration engine treat every event alike. Registrations
always belong to the event page in the site's default language: every translation of an
event shares one set of places.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from treffpunkt.core.languages import languages_field, split_languages

#: fields whose change makes calendar programs fetch the event again (SEQUENCE is raised)
ICAL_FIELDS = (
    "title",
    "start",
    "end",
    "all_day",
    "location_name",
    "address",
    "online_url",
    "cancelled",
    "intro",
)


def _token() -> str:
    return secrets.token_urlsafe(24)


#: letters and digits of a ticket code: none that read alike (0/O, 1/I/L), so it can be typed
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 12


def ticket_code() -> str:
    """The code of a QR ticket (about 59 bits of chance): unguessable, short enough to type."""
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))


class EventIndexPage(RoutablePageMixin, Page):
    """The calendar of a site: list and month views with filters, past events, feeds."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["events.EventPage", "events.ConferencePage", "events.FestivalPage"]
    max_count_per_parent = 1
    template = "events/event_index_page.html"

    class Meta:
        verbose_name = _("calendar")

    def get_context(self, request, *args, **kwargs):
        from .views import calendar_context

        context = super().get_context(request, *args, **kwargs)
        context.update(calendar_context(request, self))
        return context


class EventPage(RoutablePageMixin, Page):
    """A single event: when, where, for whom, by whom, and how to sign up."""

    intro = models.TextField(_("summary"), max_length=600, blank=True)
    body = RichTextField(
        _("description"), blank=True, features=["h2", "h3", "bold", "italic", "ol", "ul", "link"]
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    location_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        max_length=1000,
        blank=True,
        help_text=_("Step-free access, accessible toilet, hearing loop ..."),
    )
    online_url = models.URLField(_("online link"), blank=True)
    organisers = ParentalManyToManyField(
        "networks.Organisation", verbose_name=_("organisers"), blank=True, related_name="events"
    )
    action_fields = ParentalManyToManyField(
        "networks.ActionField", verbose_name=_("action fields"), blank=True, related_name="events"
    )
    working_group = models.ForeignKey(
        "networks.WorkingGroupPage",
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    languages = languages_field(_("languages spoken"), max_length=100)
    interpretation = models.CharField(
        _("interpretation offered"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Arabic and Ukrainian on request"),
    )
    target_group = models.CharField(_("target group"), max_length=200, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cost = models.CharField(_("cost"), max_length=100, blank=True, help_text=_("e.g. free"))
    registration_enabled = models.BooleanField(_("sign-up on this site"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("People, not sign-ups. Empty: no limit.")
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("largest party"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many people one sign-up may bring (including the person signing up)."),
    )
    waiting_list = models.BooleanField(
        _("waiting list"), default=True, help_text=_("When full, further sign-ups queue.")
    )
    signup_opens = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("all_day")],
            heading=_("Time"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("location_name"),
                FieldPanel("address"),
                FieldPanel("accessibility"),
                FieldPanel("online_url"),
            ],
            heading=_("Place"),
        ),
        FieldPanel("body"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldPanel("organisers"),
                FieldPanel("action_fields"),
                FieldPanel("working_group"),
                FieldPanel("target_group"),
                FieldPanel("languages"),
                FieldPanel("interpretation"),
                FieldPanel("cost"),
            ],
            heading=_("Who and for whom"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_enabled"),
                FieldPanel("capacity"),
                FieldPanel("max_party_size"),
                FieldPanel("waiting_list"),
                FieldRowPanel([FieldPanel("signup_opens"), FieldPanel("signup_closes")]),
                InlinePanel("questions", label=_("Questions at sign-up")),
            ],
            heading=_("Sign-up"),
        ),
        FieldPanel("cancelled"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("location_name"),
        index.FilterField("start"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    template = "events/event_page.html"

    #: the calendar's name for this kind of event (for filters and icons)
    kind = "event"
    #: the registration kinds offered on the public form (value, label)
    attendee_kinds: tuple[tuple[str, str], ...] = (("visitor", _("Visitor")),)

    class Meta:
        verbose_name = _("event")
        ordering = ["start"]

    def save(self, *args, **kwargs):
        # Calendar programs replace an event only when SEQUENCE grows (RFC 5545 §3.8.7.4).
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or set(update_fields) & set(ICAL_FIELDS)):
            old = (
                type(self).objects.filter(pk=self.pk).values(*ICAL_FIELDS, "ical_sequence").first()
            )
            if old and any(old[f] != getattr(self, f) for f in ICAL_FIELDS):
                self.ical_sequence = old["ical_sequence"] + 1
                if update_fields is not None:
                    kwargs["update_fields"] = list(update_fields) + ["ical_sequence"]
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The event cannot end before it starts.")})
        if self.signup_opens and self.signup_closes and self.signup_closes < self.signup_opens:
            raise ValidationError({"signup_closes": _("Sign-up cannot close before it opens.")})

    # --- what templates and services ask ------------------------------------------------

    def ical_uid(self, domain: str | None = None) -> str:
        """``<uuid>@<the site's domain>``: stable across edits, shared by every translation
        of the event (its random translation key) and unique across installations."""
        if domain is None:
            site = self.get_site()
            domain = site.hostname if site is not None else "treffpunkt.invalid"
        return f"{self.translation_key}@{domain}"

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)

    @cached_property
    def registration_event(self) -> EventPage:
        """The event in the default language: the one that holds the registrations."""
        if self.locale.language_code == settings.LANGUAGE_CODE:
            return self
        source = (
            EventPage.objects.filter(
                translation_key=self.translation_key,
                locale__language_code=settings.LANGUAGE_CODE,
            )
            .specific()
            .first()
        )
        return source or self

    # The kind's parts with places of their own (a conference's workshops, a festival's helper
    # shifts), read once per instance: the page's list and its places left share them.
    @cached_property
    def workshop_list(self) -> list:
        return []

    @cached_property
    def shift_list(self) -> list:
        return []

    @cached_property
    def session_list(self) -> list:
        """The programme with its speakers (and their photos), in order."""
        return list(self.programme.select_related("speaker", "speaker__photo"))

    def kind_context(self, event: EventPage, forms: dict) -> dict:
        """What a page of this kind adds to its public page's context.

        ``event`` is the same event in the default language (it holds the registrations);
        ``forms`` holds bound forms to show again (``helper_form``, ``contribution_form``).
        """
        return {"sessions": self.session_list}

    def signup_state(self, now: datetime | None = None) -> str:
        """'off', 'cancelled', 'not_yet', 'closed', 'past' or 'open'."""
        now = now or timezone.now()
        if not self.registration_enabled:
            return "off"
        if self.cancelled:
            return "cancelled"
        if self.signup_opens and now < self.signup_opens:
            return "not_yet"
        if self.signup_closes and now > self.signup_closes:
            return "closed"
        if now > self.end:
            return "past"
        return "open"

    def local_end_date(self):
        return timezone.localtime(self.end).date()

    def ends_on_following_day(self) -> bool:
        return timezone.localtime(self.start).date() != self.local_end_date()

    def day_bounds(self) -> tuple[datetime, datetime]:
        start = timezone.localtime(self.start)
        end = timezone.localtime(self.end)
        return (
            timezone.make_aware(datetime.combine(start.date(), time.min)),
            timezone.make_aware(datetime.combine(end.date(), time.min)) + timedelta(days=1),
        )

    # --- sub-pages ----------------------------------------------------------------------

    @path("")
    def index_route(self, request, *args, **kwargs):
        from .views import event_page

        return event_page(request, self)

    @path("anmelden/")
    def signup_route(self, request):
        from .views import signup

        return signup(request, self)

    @path("anmeldung/ergebnis/<str:token>/")
    def signup_result_route(self, request, token: str):
        from .views import signup_result

        return signup_result(request, self, token)

    @path("ics/")
    def ics_route(self, request):
        from .views import event_ics

        return event_ics(request, self)


class Question(Orderable):
    """A question asked at sign-up (dietary needs, interpreter, accessibility, photos)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One of a list")

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.CharField(
        _("choices"), max_length=500, blank=True, help_text=_("For 'one of a list': one per line.")
    )
    required = models.BooleanField(_("required"), default=False)

    panels = [
        FieldPanel("label"),
        FieldPanel("kind"),
        FieldPanel("choices"),
        FieldPanel("required"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class ProgrammeItem(Orderable):
    """A point of the programme: a talk, a session, a dance, a children's corner."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="programme")
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    room = models.CharField(_("room"), max_length=100, blank=True)
    track = models.CharField(_("track"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    speaker = models.ForeignKey(
        "events.Speaker",
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_items",
    )

    panels = [
        FieldRowPanel([FieldPanel("starts"), FieldPanel("ends")]),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("room"), FieldPanel("track")]),
        FieldPanel("description"),
        FieldPanel("speaker"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("programme item")


class Speaker(index.Indexed, models.Model):
    """A speaker at a conference (a snippet, so one person can speak at several)."""

    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), max_length=2000, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("speaker")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConferencePage(EventPage):
    """An integration conference: programme, speakers, workshops with their own places."""

    certificates_enabled = models.BooleanField(
        _("certificates of attendance"),
        default=True,
        help_text=_("Participants who were checked in can download a certificate as PDF."),
    )

    content_panels = EventPage.content_panels + [
        InlinePanel("programme", label=_("Programme")),
        InlinePanel("workshops", label=_("Workshops")),
        FieldPanel("certificates_enabled"),
    ]
    template = "events/conference_page.html"
    kind = "conference"
    attendee_kinds = (
        ("participant", _("Participant")),
        ("speaker", _("Speaker")),
        ("press", _("Press")),
    )

    class Meta:
        verbose_name = _("conference")

    @cached_property
    def workshop_list(self) -> list:
        return list(self.workshops.all())

    def kind_context(self, event: EventPage, forms: dict) -> dict:
        sessions = self.session_list
        return {
            "sessions": sessions,
            "speakers": list({s.speaker.pk: s.speaker for s in sessions if s.speaker}.values()),
            "workshops": event.workshop_list,
        }


class Workshop(Orderable):
    conference = ParentalKey(ConferencePage, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("room"),
        FieldPanel("capacity"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("workshop")

    def __str__(self) -> str:
        return self.title


class FestivalPage(EventPage):
    """An encounter festival: visitors, helper shifts, contributions, programme."""

    contributions_enabled = models.BooleanField(_("invite contributions"), default=True)

    content_panels = EventPage.content_panels + [
        InlinePanel("programme", label=_("Programme")),
        InlinePanel("shifts", label=_("Helper shifts")),
        FieldPanel("contributions_enabled"),
    ]
    template = "events/festival_page.html"
    kind = "festival"

    class Meta:
        verbose_name = _("encounter festival")

    @cached_property
    def shift_list(self) -> list:
        return list(self.shifts.all())

    def kind_context(self, event: EventPage, forms: dict) -> dict:
        from .forms import ContributionForm, HelperForm

        festival = event if isinstance(event, FestivalPage) else self
        context = super().kind_context(event, forms)
        context["festival"] = festival
        context["shifts"] = festival.shift_list
        shifts = context["shifts"]
        # built when shown: a kept sign-up section needs no form
        if shifts:
            context["helper_form"] = forms.get("helper_form") or SimpleLazyObject(
                lambda: HelperForm(festival=festival, shifts=shifts, prefix="helper")
            )
        if festival.contributions_enabled:
            context["contribution_form"] = forms.get("contribution_form") or SimpleLazyObject(
                lambda: ContributionForm(prefix="contribution")
            )
        return context

    @path("mithelfen/")
    def helper_route(self, request):
        from .views import helper_signup

        return helper_signup(request, self)

    @path("beitrag/")
    def contribution_route(self, request):
        from .views import contribution_signup

        return contribution_signup(request, self)


class HelperShift(Orderable):
    festival = ParentalKey(FestivalPage, on_delete=models.CASCADE, related_name="shifts")
    title = models.CharField(_("task"), max_length=200, help_text=_("e.g. Cake stand"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    slots = models.PositiveSmallIntegerField(_("helpers needed"), default=2)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts"), FieldPanel("ends")]),
        FieldPanel("slots"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("helper shift")

    def __str__(self) -> str:
        return f"{self.title} ({self.starts:%H:%M}–{self.ends:%H:%M})"


class Registration(models.Model):
    """One sign-up: for the event itself, a workshop, a helper shift, or a contribution.

    A place is taken by ``held`` (email not yet confirmed; expires) and ``confirmed``
    registrations, counted in people (``party_size``). ``waiting`` ones queue by ``id``.
    """

    class Status(models.TextChoices):
        HELD = "held", _("awaiting email confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("waiting list")
        REQUESTED = "requested", _("awaiting approval")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    class Kind(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        PARTICIPANT = "participant", _("Participant")
        SPEAKER = "speaker", _("Speaker")
        PRESS = "press", _("Press")
        WORKSHOP = "workshop", _("Workshop")
        HELPER = "helper", _("Helper")
        CONTRIBUTION = "contribution", _("Contribution")

    class Contribution(models.TextChoices):
        STAND = "stand", _("Stand")
        DISH = "dish", _("Dish")
        MUSIC = "music", _("Music")
        ACTIVITY = "activity", _("Activity")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    workshop = models.ForeignKey(
        Workshop, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations"
    )
    shift = models.ForeignKey(
        HelperShift, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations"
    )
    contribution_kind = models.CharField(
        _("contribution"), max_length=20, choices=Contribution.choices, blank=True
    )
    contribution_text = models.TextField(_("what you bring"), max_length=1000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    party_size = models.PositiveSmallIntegerField(_("people"), default=1)
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    answers = models.JSONField(default=dict, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token)
    # What the QR ticket carries: it checks the person in, and nothing else (unlike ``token``,
    # which cancels; the ticket is shown at the door).
    ticket = models.CharField(max_length=16, unique=True, default=ticket_code, editable=False)
    email_confirmed = models.BooleanField(default=False)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The random token of the form this sign-up came from: the same form sent again (a double
    # click, a browser repeating the request after a lost answer) finds it instead of a second.
    submission = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["event", "email"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "submission"],
                condition=~models.Q(submission=""),
                name="events_registration_one_per_submission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email} – {self.get_kind_display()}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # the event it was read with: a sign-up moved to another event frees a place there
        # too (events.places)
        instance._loaded_event_id = instance.__dict__.get("event_id")
        return instance

    @property
    def takes_place(self) -> bool:
        return self.status in (self.Status.HELD, self.Status.CONFIRMED)
