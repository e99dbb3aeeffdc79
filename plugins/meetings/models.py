"""Recurring meetings: a series page holds the rule; dates are computed, not stored.

Only a date with something attached (an exception, an agenda item, an RSVP, minutes, a
notification sent) has an :class:`Occurrence` row. See :mod:`plugins.meetings.schedule`
for the expansion and :mod:`plugins.meetings.services` for every change a person makes.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from recurrence.fields import RecurrenceField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public: everyone")
    NETWORK = "network", _("members of the network")
    GROUP = "group", _("members of the working group")


class MeetingIndexPage(Page):
    """Lists the meeting series a visitor may see, with their next dates."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["meetings.MeetingSeriesPage"]
    template = "meetings/meeting_index_page.html"

    class Meta:
        verbose_name = _("meetings overview")

    def get_context(self, request, *args, **kwargs):
        from treffpunkt.core.sites import site_of_page

        from . import schedule

        context = super().get_context(request, *args, **kwargs)
        site = site_of_page(self, request)
        context["rows"] = schedule.next_dates_by_series(
            self._visible_series(site, request.user), per_series=3
        )
        return context

    def _visible_series(self, site, user) -> list:
        """The series below this page that ``user`` may see: the same for everyone with the
        same audience (:func:`access.audience`: not signed in; a manager; a member of the
        network or not, with their working groups) and the same view restrictions not
        passed. It is kept with the chrome per audience, which every page published renews,
        when the processes share the cache."""
        import hashlib

        from django.conf import settings

        from treffpunkt.core import chrome
        from treffpunkt.core.restrictions import closed_paths

        from . import access

        def compute() -> list:
            return list(access.visible_series(site, user, parent=self))

        if site is None or not settings.CACHE_SHARED_BY_PROCESSES:
            return compute()
        audience = access.audience(site, user, parent=self)
        if audience is None:  # the person's own list (an alias of another town's series)
            return compute()
        closed = "|".join(sorted(closed_paths(user)))
        who = hashlib.sha256(f"{audience}|{closed}".encode()).hexdigest()
        return chrome.cached("meeting-series", site, "", compute, self.pk, who[:32])


class MeetingSeriesPage(Page):
    """A recurring meeting: "Netzwerktreffen, every second Tuesday, 17:00–19:00"."""

    first_date = models.DateField(_("first date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    recurrence = RecurrenceField(
        verbose_name=_("repeats"),
        include_dtstart=False,
        help_text=_(
            "One rule: weekly, every n weeks, monthly by weekday position or by date; "
            "optionally with an end date or a number of dates. Cancel or add single dates "
            "on the date itself."
        ),
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    visibility = models.CharField(
        _("visible to"), max_length=10, choices=Visibility.choices, default=Visibility.NETWORK
    )
    working_group = models.ForeignKey(
        "networks.WorkingGroupPage",
        verbose_name=_("host working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the network as a whole hosts this meeting."),
    )
    changes_from = models.DateField(
        _("apply schedule changes from"),
        null=True,
        blank=True,
        help_text=_(
            "Changes of time, place or repetition apply from this day on. Empty: from the "
            "next date. Dates before it stay as they were."
        ),
    )
    #: dates before this day follow the rules kept in ``history`` (edits apply to the future);
    #: always a day of the current rule's pattern, so that its weekday and fortnight stay the
    #: same (after the rule's UNTIL when the rule has no date left)
    valid_from = models.DateField(null=True, blank=True, editable=False)
    #: dates held under earlier rules: a counted rule ("12 dates") has COUNT minus these left
    count_held = models.PositiveIntegerField(default=0, editable=False)
    #: the stable, globally unique part of this series' iCalendar UIDs
    ical_uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    #: raised on every change a calendar app must notice (RFC 5545 SEQUENCE)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("first_date"),
                FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                FieldPanel("recurrence"),
                FieldPanel("changes_from"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel([FieldPanel("location"), FieldPanel("online_url")], heading=_("Where")),
        MultiFieldPanel([FieldPanel("working_group"), FieldPanel("visibility")], heading=_("Who")),
        FieldPanel("description"),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    # a copy is another series (a translation shares the source's dates and UIDs)
    exclude_fields_in_copy = ["ical_uuid", "valid_from", "count_held"]
    parent_page_types = ["meetings.MeetingIndexPage"]
    subpage_types: list[str] = []
    template = "meetings/meeting_series_page.html"

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    # --- validation ---------------------------------------------------------------------

    def clean(self) -> None:
        super().clean()
        from .schedule import rule_problem

        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The meeting must end after it starts.")
        if self.visibility == Visibility.GROUP and not self.working_group_id:
            errors["working_group"] = _(
                "Choose the working group whose members may see this meeting."
            )
        if self.first_date and "recurrence" not in errors:
            problem = rule_problem(self.recurrence, self.first_date, self.start_time)
            if problem:
                errors["recurrence"] = problem
        if errors:
            raise ValidationError(errors)

    # --- saving: edits of the schedule apply from the next date on ------------------------

    SCHEDULE_FIELDS = ("first_date", "start_time", "end_time", "recurrence", "location")

    def save(self, *args, **kwargs):
        from .schedule import anchor_rule, split_history_if_changed

        update_fields = kwargs.get("update_fields")
        schedule_saved = update_fields is None or set(update_fields) & set(self.SCHEDULE_FIELDS)
        if schedule_saved:
            anchor_rule(self)
        # A translation shows its source's dates: only the source's edits split the series.
        if self.pk and schedule_saved and self.schedule_source() is self:
            split_history_if_changed(self)
        result = super().save(*args, **kwargs)
        from .schedule import rekey_future_rows

        rekey_future_rows(self)
        if self.visibility != Visibility.PUBLIC:
            # Private series stay out of the site search (their titles may be sensitive).
            from wagtail.search.index import remove_object

            remove_object(self)
        return result

    @classmethod
    def get_indexed_objects(cls):
        return super().get_indexed_objects().filter(visibility=Visibility.PUBLIC)

    def get_sitemap_urls(self, request=None):
        if self.visibility != Visibility.PUBLIC:
            return []
        return super().get_sitemap_urls(request)

    # --- serving ------------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        from django.contrib.auth.views import redirect_to_login
        from django.http import Http404

        from . import access

        if not access.can_view(self, request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import access, schedule

        context = super().get_context(request, *args, **kwargs)
        today = dt.datetime.now(schedule.TZ).date()
        upcoming = schedule.dates_for(
            self,
            today,
            today + dt.timedelta(days=180),
            kept=not getattr(request, "is_preview", False),  # a draft's own rule
        )
        context["upcoming"] = upcoming[:12]
        context["can_host"] = access.can_host(self, request.user)
        if context["can_host"]:
            # exceptions, agenda or RSVPs of dates an edit of the rule removed
            context["orphaned"] = schedule.orphaned_rows(self)
        context["can_participate"] = access.can_participate(self, request.user)
        context["rule_text"] = schedule.rule_text(self)
        return context

    # --- iCalendar ----------------------------------------------------------------------

    def ical_uid(self, domain: str | None = None) -> str:
        """``<uuid>@<the site's domain>``: stable, and unique across installations."""
        return f"{self.schedule_source().ical_uuid}@{domain or self.ical_domain()}"

    def ical_domain(self) -> str:
        domain = getattr(self, "_ical_domain", None)
        if domain is None:
            site = self.schedule_source().get_site()
            domain = site.hostname if site is not None else "treffpunkt.invalid"
            self._ical_domain = domain
        return domain

    def schedule_source(self) -> MeetingSeriesPage:
        """The page whose dates, exceptions and history every language shows.

        Translations of a series (wagtail-localize aliases or translated copies) are other
        pages; the dates belong to the series, so they are kept on its page in the site's
        default language (or, for an alias, the page it mirrors).
        """
        MeetingSeriesPage.resolve_sources([self])
        return self._schedule_source

    @staticmethod
    def resolve_sources(series_list) -> None:
        """Find the :meth:`schedule_source` of every series in ``series_list`` with at most
        two queries in all (aliases, translations), not one per translated series."""
        todo = [s for s in series_list if getattr(s, "_schedule_source", None) is None]
        alias_ids = {s.alias_of_id for s in todo if s.alias_of_id}
        keys = {
            s.translation_key
            for s in todo
            if not s.alias_of_id and s.locale_id and not _is_default_locale(s.locale_id)
        }
        aliased = MeetingSeriesPage.objects.in_bulk(alias_ids) if alias_ids else {}
        translated = {}
        if keys:
            for page in MeetingSeriesPage.objects.filter(
                translation_key__in=keys, locale__language_code=settings.LANGUAGE_CODE
            ):
                translated[page.translation_key] = page
        for series in todo:
            if series.alias_of_id:
                series._schedule_source = aliased.get(series.alias_of_id, series)
            elif series.translation_key in keys:
                series._schedule_source = translated.get(series.translation_key, series)
            else:
                series._schedule_source = series


_DEFAULT_LOCALE: dict[int, bool] = {}


def _is_default_locale(locale_id: int) -> bool:
    """Whether a locale is the site's default language (remembered: locales never change
    their language, and feeds ask this for every series)."""
    known = _DEFAULT_LOCALE.get(locale_id)
    if known is None:
        from wagtail.models import Locale

        code = Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first()
        known = code == settings.LANGUAGE_CODE
        if code is not None:
            _DEFAULT_LOCALE[locale_id] = known
    return known


class SeriesHistory(models.Model):
    """A rule a series followed before it was edited; it covers [first_date, until].

    ``first_date`` is a date of the rule (its DTSTART); ``count`` the number of dates the
    rule had left from there when it was current (None: not a counted rule).
    """

    series = models.ForeignKey(MeetingSeriesPage, on_delete=models.CASCADE, related_name="history")
    rule = models.TextField()  # the serialized django-recurrence rule (RRULE line)
    first_date = models.DateField()
    until = models.DateField()
    count = models.PositiveIntegerField(null=True, blank=True)
    ical_uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    start_time = models.TimeField()
    end_time = models.TimeField()
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_date"]

    def __str__(self) -> str:
        return f"{self.series_id}: {self.first_date}–{self.until}"


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("as planned")
    MOVED = "moved", _("moved")
    CANCELLED = "cancelled", _("cancelled")


class Occurrence(ClusterableModel):
    """One date of a series that has something attached; keyed by its planned start."""

    series = models.ForeignKey(
        MeetingSeriesPage, on_delete=models.CASCADE, related_name="occurrences"
    )
    #: the start the rule gives (RECURRENCE-ID); for an extra date, its own first start
    original_start = models.DateTimeField(_("planned start"))
    is_extra = models.BooleanField(_("extra date"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.SCHEDULED,
    )
    #: set when the date is moved or is an extra date; else the rule's times apply
    start = models.DateTimeField(_("starts"), null=True, blank=True)
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    minutes = RichTextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended"
    )
    sequence = models.PositiveIntegerField(default=0, editable=False)
    #: when the date last changed as calendars see it (cancelled, moved, added): the
    #: DTSTAMP and LAST-MODIFIED of its entries in the feeds
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("status"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("location"),
        FieldPanel("note"),
        InlinePanel("agenda_items", label=_("agenda")),
        FieldPanel("minutes"),
        InlinePanel("decisions", label=_("decisions")),
        InlinePanel("tasks", label=_("tasks")),
    ]

    class Meta:
        verbose_name = _("meeting date")
        verbose_name_plural = _("meeting dates")
        ordering = ["original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "original_start"], name="meetings_one_row_per_date"
            )
        ]

    def __str__(self) -> str:
        from .schedule import TZ

        local = self.original_start.astimezone(TZ)
        return f"{self.series.title} – {local:%d.%m.%Y}"

    @property
    def key(self) -> str:
        """The date in URLs: the planned start's local day."""
        from .schedule import TZ

        return self.original_start.astimezone(TZ).date().isoformat()


class AgendaItem(Orderable):
    occurrence = ParentalKey(Occurrence, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")


class Decision(Orderable):
    occurrence = ParentalKey(Occurrence, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=2000)

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("decision")


class Task(Orderable):
    occurrence = ParentalKey(Occurrence, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        # A deleted account leaves the task in the minutes, without a name.
        null=True,
        on_delete=models.SET_NULL,
        related_name="meeting_tasks",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    panels = [FieldPanel("title"), FieldPanel("owner"), FieldPanel("due_date"), FieldPanel("done")]

    class Meta(Orderable.Meta):
        verbose_name = _("task")


class RsvpAnswer(models.TextChoices):
    YES = "yes", _("yes")
    MAYBE = "maybe", _("maybe")
    NO = "no", _("no")


class Rsvp(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_rsvps"
    )
    answer = models.CharField(_("answer"), max_length=5, choices=RsvpAnswer.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="meetings_one_rsvp")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.answer}"


class NotificationKind(models.TextChoices):
    INVITATION = "invitation", _("invitations with the agenda")
    CHANGE = "change", _("cancelled or moved dates")
    MINUTES = "minutes", _("published minutes")
    TASK_REMINDER = "task_reminder", _("reminders of my tasks")


class NotificationOptOut(models.Model):
    """A kind of meeting email a person does not want."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_opt_outs"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="meetings_one_opt_out")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class Delivery(models.Model):
    """A meeting email sent to one person: the row is the guard against sending it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="meetings_one_delivery")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.user_id}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a person's calendar feed URL; resetting it locks the old URL out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"

    @classmethod
    def for_user(cls, user) -> FeedToken:
        return cls.objects.get_or_create(user=user)[0]

    def reset(self) -> None:
        self.token = _new_token()
        self.save(update_fields=["token", "created_at"])
