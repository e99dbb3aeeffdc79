"""Subscribers, newsletter issues (pages), and the delivery of an issue to its recipients.

Delivery keeps one :class:`Delivery` row per recipient and send, made in bulk before the
first mail goes out; :mod:`plugins.newsletter.delivery` explains the states and why a
killed worker neither skips nor doubles a recipient.
"""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import newsletter_blocks

LANGUAGE_CODES = [code for code, _name in settings.INTERFACE_LANGUAGES]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Topic(models.Model):
    """What a subscriber wants to hear about: an action field, working-group news, events."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("site"), FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("newsletter topic")
        verbose_name_plural = _("newsletter topics")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="newsletter_topic_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """One email address on one site's list. No account needed; a user's own is linked."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("subscribed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("address bounces")
        COMPLAINED = "complained", _("marked as spam")

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.INTERFACE_LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    #: the secret in preference and unsubscribe links; never shown in the admin
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    # The consent record: when, to which wording, and how the address came to the list.
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_text_version = models.CharField(_("consent text version"), max_length=40, blank=True)
    consent_source = models.CharField(_("consent source"), max_length=200, blank=True)
    unsubscribed_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "email"], name="newsletter_subscriber_unique_email"
            )
        ]
        indexes = [models.Index(fields=["site", "status", "language"])]

    def __str__(self) -> str:
        return self.email


class NewsletterIndexPage(RoutablePageMixin, Page):
    """The public archive of a site's newsletters, with an RSS feed."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["newsletter.NewsletterPage"]
    max_count_per_parent = 1
    template = "newsletter/newsletter_index_page.html"

    class Meta:
        verbose_name = _("newsletter archive")

    def sent_issues(self):
        """Issues below this page that went out, newest first (3 queries for any number)."""
        sent_keys = Mailing.objects.filter(
            status__in=[Mailing.Status.RUNNING, Mailing.Status.PAUSED, Mailing.Status.FINISHED]
        ).values("translation_key")
        # an issue under a view restriction (in any language) is listed neither here nor
        # in the RSS
        from treffpunkt.core.restrictions import visible_to

        issues = NewsletterPage.objects.live().child_of(self).filter(translation_key__in=sent_keys)
        return visible_to(issues, None).order_by("-first_published_at")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["feed_url"] = (self.get_url(request) or "/") + self.reverse_subpage("feed")
        return context

    #: issues on one page of the archive; pages past this number are not kept
    ISSUES_SHOWN = 20
    PAGES_KEPT = 200

    @path("")
    def archive(self, request):
        from django.utils.safestring import mark_safe

        html = mark_safe(self.archive_html(request))  # noqa: S308 - the template escaped it
        return self.render(request, context_overrides={"archive": html})

    def archive_html(self, request) -> str:
        """The list of sent issues on one page of the archive, as HTML.

        The same for every visitor (an issue under a view restriction is listed for
        nobody), so it is kept per site, language and page number until content changes
        (an issue published or a mailing started, :func:`treffpunkt.core.pagecache.keep`);
        it cost two queries and a list's rendering on every visit. Kept only when the
        processes share the cache: the worker starts the mailings."""
        import hashlib

        from django.core.paginator import Paginator
        from django.template.loader import render_to_string
        from django.utils.translation import get_language
        from wagtail.models import Site

        from treffpunkt.core import pagecache

        asked = request.GET.get("page") or "1"

        def render() -> str:
            issues = Paginator(self.sent_issues(), self.ISSUES_SHOWN).get_page(asked)
            context = {"issues": issues, "request": request}  # for the issues' addresses
            return str(render_to_string("newsletter/includes/archive_list.html", context))

        site = Site.find_for_request(request)
        # isascii: "²".isdigit() is true but int("²") fails; len: no int() of a huge string.
        plain_number = asked.isascii() and asked.isdigit() and len(asked) <= 4
        keepable = plain_number and 0 < int(asked) <= self.PAGES_KEPT
        if site is None or not keepable or not settings.CACHE_SHARED_BY_PROCESSES:
            return render()
        raw = repr((site.pk, self.pk, get_language(), int(asked)))
        key = "treffpunkt:newsletter:archive:" + hashlib.sha256(raw.encode()).hexdigest()
        return pagecache.keep(key, render, lambda html: 3600)

    @path("feed/", name="feed")
    def feed(self, request):
        from .feeds import archive_feed

        return HttpResponse(archive_feed(self, request), content_type="application/rss+xml")


class NewsletterPage(Page):
    """One newsletter issue, written and translated like any page, then sent by mail."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    body = StreamField(newsletter_blocks(), verbose_name=_("content"), blank=True)
    topics = ParentalManyToManyField(
        Topic,
        verbose_name=_("topics"),
        blank=True,
        help_text=_(
            "Send only to people who chose one of these topics. Leave empty to send to everyone."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["newsletter.NewsletterIndexPage"]
    subpage_types: list[str] = []
    template = "newsletter/newsletter_page.html"

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def clean(self) -> None:
        super().clean()
        from .rendering import unknown_placeholders

        bad = unknown_placeholders(self)
        if bad:
            raise ValidationError(
                _("Unknown placeholders: %(names)s. Allowed: %(allowed)s.")
                % {"names": ", ".join(bad), "allowed": allowed_placeholder_list()}
            )

    def serve(self, request, *args, **kwargs):
        # An issue is public once it has been sent; before that only the admin preview shows it.
        if not getattr(request, "is_preview", False) and not self.was_sent():
            raise Http404
        return super().serve(request, *args, **kwargs)

    def was_sent(self) -> bool:
        return Mailing.objects.filter(
            translation_key=self.translation_key,
            status__in=[Mailing.Status.RUNNING, Mailing.Status.PAUSED, Mailing.Status.FINISHED],
        ).exists()


def allowed_placeholder_list() -> str:
    from .rendering import PLACEHOLDERS

    return ", ".join("{{ " + name + " }}" for name in PLACEHOLDERS)


class Mailing(models.Model):
    """Sending one issue (all its language editions) to the subscribers of its site."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        RUNNING = "running", _("sending")
        PAUSED = "paused", _("paused")
        CANCELLED = "cancelled", _("cancelled")
        FINISHED = "finished", _("sent")

    page = models.ForeignKey(
        NewsletterPage,
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        related_name="mailings",
        help_text=_("The issue in the default language; editions are its translations."),
    )
    #: the issue's translation key: every language edition shares it
    translation_key = models.UUIDField(db_index=True)
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    send_at = models.DateTimeField(_("send at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pause_reason = models.CharField(_("why it paused"), max_length=300, blank=True)
    #: failed deliveries when the send was last resumed; the failure limit counts from here
    failure_baseline = models.PositiveIntegerField(default=0)
    #: when the watchdog that restarts a stalled send next looks; None when none is queued
    watchdog_at = models.DateTimeField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter send")
        verbose_name_plural = _("newsletter sends")
        ordering = ["-created_at"]
        constraints = [
            # One live send per issue: a second click on "send" never mails everyone again.
            models.UniqueConstraint(
                fields=["translation_key"],
                condition=~models.Q(status="cancelled"),
                name="newsletter_one_active_mailing_per_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.page.title} ({self.get_status_display()})"

    def counts(self) -> dict[str, int]:
        """Deliveries by status, with every status present (0 when none)."""
        rows = self.deliveries.values("status").annotate(n=Count("id")).order_by()
        counts = dict.fromkeys(Delivery.Status.values, 0)
        counts.update({row["status"]: row["n"] for row in rows})
        counts["total"] = sum(counts[s] for s in Delivery.Status.values)
        counts["done"] = counts["total"] - counts["pending"] - counts["sending"]
        feedback = self.deliveries.exclude(feedback="").values("feedback").annotate(n=Count("id"))
        counts.update(dict.fromkeys(Delivery.Feedback.values, 0))
        counts.update({row["feedback"]: row["n"] for row in feedback.order_by()})
        return counts

    def unsubscribed_since(self) -> int:
        """Recipients of this send who have unsubscribed since it started (bounces and
        complaints are counted on their own)."""
        if self.started_at is None:
            return 0
        return (
            Subscriber.objects.filter(
                deliveries__mailing=self,
                status=Subscriber.Status.UNSUBSCRIBED,
                unsubscribed_at__gte=self.started_at,
            )
            .distinct()
            .count()
        )


class Delivery(models.Model):
    """One recipient of one send. See :mod:`plugins.newsletter.delivery` for the states."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("delivered to the mail server")
        FAILED = "failed", _("failed")
        UNKNOWN = "unknown", _("outcome unknown (worker stopped mid-message)")
        SKIPPED = "skipped", _("skipped (left the list)")

    class Feedback(models.TextChoices):
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("marked as spam")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    #: the worker's claim: its random id, valid until claimed_until
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    #: what the provider reported after delivery (django-anymail's tracking webhook)
    feedback = models.CharField(max_length=12, choices=Feedback.choices, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="newsletter_one_delivery_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["mailing", "status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.subscriber_id}: {self.status}"
