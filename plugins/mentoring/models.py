"""Programmes, mentors, applications of mentees, matches and their check-ins.

A programme belongs to one site (town); everything else hangs off a programme, so
``programme__site`` is the one way any row belongs to a town (see ``access.py``).
A mentee never has an account: the application's and the match's secret tokens are what
the mails' links carry.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treffpunkt.core.languages import languages_field, split_languages
from treffpunkt.core.localize import language_name


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Offer(models.TextChoices):
    """What a mentor offers and what a mentee looks for (the same list on both sides)."""

    EVERYDAY = "everyday", _("Help in everyday life")
    AUTHORITIES = "authorities", _("Authorities and forms")
    LANGUAGE = "language", _("Practising German")
    HOMEWORK = "homework", _("Homework and school")
    LEISURE = "leisure", _("Leisure time together")
    JOB = "job", _("Looking for work or training")


class Slot(models.TextChoices):
    """When someone has time; coarse on purpose, a phone form must stay short."""

    WEEKDAY_MORNING = "weekday_morning", _("Weekdays, mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekdays, afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekdays, evenings")
    WEEKEND = "weekend", _("Weekends")


class Programme(models.Model):
    """A mentoring or tandem programme of one organisation in one town."""

    class Kind(models.TextChoices):
        MENTORING = "mentoring", _("Mentoring (Patenschaften)")
        READING = "reading", _("Reading mentors")
        JOB = "job", _("Job tandems")
        LANGUAGE = "language", _("Language tandems")

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action_field = models.ForeignKey(
        "networks.ActionField",
        verbose_name=_("action field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MENTORING)
    description = models.TextField(_("description"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="mentoring_programmes",
    )
    checkin_interval_weeks = models.PositiveSmallIntegerField(
        _("check-in every … weeks"), default=4
    )
    accepts_applications = models.BooleanField(_("accepts applications"), default=True)
    with_children = models.BooleanField(
        _("works with children"),
        default=False,
        help_text=_("Mentors then need a valid extended police certificate."),
    )

    class Meta:
        verbose_name = _("mentoring programme")
        verbose_name_plural = _("mentoring programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MentorProfile(models.Model):
    """A volunteer in one programme: what they offer, when and where, how many matches."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="mentors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentor_profiles",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language of mails"),
        max_length=10,
        choices=settings.INTERFACE_LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    languages = languages_field(_("languages spoken"))
    offers = models.JSONField(_("offers"), default=list, blank=True)
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    area = models.CharField(_("part of town"), max_length=100, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    max_matches = models.PositiveSmallIntegerField(_("at most … matches at once"), default=1)
    works_with_children = models.BooleanField(_("can work with children"), default=False)
    police_certificate_date = models.DateField(
        _("date of the extended police certificate"), null=True, blank=True
    )
    active = models.BooleanField(_("available for new matches"), default=True)
    #: the certificate date a renewal reminder was sent for (one reminder per certificate)
    certificate_reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)

    @property
    def language_names(self) -> list[tuple[str, str]]:
        """(code, name in its own script) of each language, for lang attributes."""
        return [(code, language_name(code)) for code in self.language_list]


class Application(models.Model):
    """A mentee's (or a family's) application, made without an account.

    ``UNCONFIRMED`` until the link in the mail is confirmed (double opt-in); then it waits
    (``WAITING``) until a match is proposed; ``MATCHED`` once a match is active.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for email confirmation")
        WAITING = "waiting", _("waiting for a mentor")
        PROPOSED = "proposed", _("match proposed")
        MATCHED = "matched", _("matched")
        CLOSED = "closed", _("closed")

    class AppliedBy(models.TextChoices):
        SELF = "self", _("the person themselves")
        COUNSELLOR = "counsellor", _("a counsellor, with the person's consent")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED
    )
    name = models.CharField(_("name"), max_length=200)
    #: blank when a counsellor applied for someone without an address of their own: the
    #: mails for the mentee then go to the counsellor
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language of mails"),
        max_length=10,
        choices=settings.INTERFACE_LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    languages = languages_field(_("languages spoken"))
    seeks = models.JSONField(_("looking for"), default=list, blank=True)
    area = models.CharField(_("part of town"), max_length=100, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    family = models.CharField(_("who is in the family"), max_length=300, blank=True)
    with_children = models.BooleanField(_("children take part"), default=False)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    applied_by = models.CharField(
        _("applied by"), max_length=20, choices=AppliedBy.choices, default=AppliedBy.SELF
    )
    counsellor_name = models.CharField(_("counsellor"), max_length=200, blank=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counsellor_email = models.EmailField(_("counsellor's email address"), blank=True)
    share_phone = models.BooleanField(_("share the phone number with the mentor"), default=True)
    share_email = models.BooleanField(_("share the email address with the mentor"), default=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_text_version = models.CharField(_("consent text version"), max_length=40, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring application")
        verbose_name_plural = _("mentoring applications")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def language_list(self) -> list[str]:
        return split_languages(self.languages)

    @property
    def language_names(self) -> list[tuple[str, str]]:
        """(code, name in its own script) of each language, for lang attributes."""
        return [(code, language_name(code)) for code in self.language_list]

    @property
    def seeks_labels(self) -> str:
        return labels(Offer, self.seeks)


def labels(choices, values) -> str:
    names = dict(choices.choices)
    return ", ".join(str(names[value]) for value in values if value in names)


class Match(models.Model):
    """A mentor and a mentee in one programme, through its lifecycle.

    ``PROPOSED`` by a coordinator; ``ACTIVE`` once both sides accepted by their links;
    ``PAUSED`` and back; ``ENDED`` with a reason; ``DECLINED`` when a side said no.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        ENDED = "ended", _("ended")
        DECLINED = "declined", _("declined")

    class EndReason(models.TextChoices):
        GOAL = "goal", _("goal reached")
        MOVED = "moved", _("moved away")
        TIME = "time", _("no more time")
        CHEMISTRY = "chemistry", _("did not fit")
        OTHER = "other", _("other reason")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="matches"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="matches"
    )
    mentor = models.ForeignKey(
        MentorProfile, verbose_name=_("mentor"), on_delete=models.CASCADE, related_name="matches"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    mentor_accepted_at = models.DateTimeField(_("mentor accepted at"), null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(_("mentee accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    first_meeting_at = models.DateTimeField(_("first meeting"), null=True, blank=True)
    first_meeting_place = models.CharField(
        _("place of the first meeting"), max_length=200, blank=True
    )
    #: whether the first meeting took place (None: not recorded yet), recorded by either
    #: side through their link or by a coordinator
    first_meeting_held = models.BooleanField(_("first meeting took place"), null=True, blank=True)
    first_meeting_held_on = models.DateField(_("first meeting held on"), null=True, blank=True)
    first_meeting_recorded_by = models.CharField(
        _("first meeting recorded by"), max_length=20, blank=True
    )
    first_meeting_recorded_at = models.DateTimeField(
        _("first meeting recorded at"), null=True, blank=True
    )
    #: the calendar invitation's SEQUENCE: bumped each time the first meeting gets a new
    #: date, so that calendar apps replace the entry they have instead of adding one
    first_meeting_sequence = models.PositiveIntegerField(
        _("first meeting's version"), default=0, editable=False
    )
    first_meeting_changed_at = models.DateTimeField(
        _("first meeting last re-dated"), null=True, blank=True, editable=False
    )
    mentor_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    mentee_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            # one live match per application: a second proposal waits for the first's answer
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["proposed", "active", "paused"]),
                name="mentoring_one_live_match_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} – {self.application}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.PAUSED)


class CheckIn(models.Model):
    """ "How is it going?" from one side of a match, by the short form behind its link."""

    class Side(models.TextChoices):
        MENTOR = "mentor", _("mentor")
        MENTEE = "mentee", _("mentee")

    class Mood(models.TextChoices):
        GOOD = "good", _("Good")
        OK = "ok", _("Okay")
        DIFFICULT = "difficult", _("Difficult")

    match = models.ForeignKey(
        Match, verbose_name=_("match"), on_delete=models.CASCADE, related_name="checkins"
    )
    side = models.CharField(_("from"), max_length=10, choices=Side.choices)
    mood = models.CharField(_("how is it going"), max_length=10, choices=Mood.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    please_contact = models.BooleanField(_("please contact me"), default=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.match} {self.created_at:%Y-%m-%d}"


class Feedback(models.Model):
    """One side's short look back when a match has ended, by the form behind its link."""

    match = models.ForeignKey(
        Match, verbose_name=_("match"), on_delete=models.CASCADE, related_name="feedback"
    )
    side = models.CharField(_("from"), max_length=10, choices=CheckIn.Side.choices)
    mood = models.CharField(_("how was it"), max_length=10, choices=CheckIn.Mood.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    new_match = models.BooleanField(_("would like a new match"), default=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "side"], name="mentoring_one_feedback_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.match} {self.side}"


class TrainingInvitation(models.Model):
    """A programme's mentors invited to a training (an event with sign-up); once per
    programme and event, so that a second click mails no one twice."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="training_invitations",
    )
    #: the event page; a plain Page key keeps the plugin's tables independent of events/
    event = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    mentors = models.PositiveIntegerField(_("mentors invited"), default=0)

    class Meta:
        verbose_name = _("training invitation")
        verbose_name_plural = _("training invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "event"], name="mentoring_one_invitation_per_training"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.event_id}"
