"""The life of a send (a :class:`~plugins.newsletter.models.Mailing`) and of its rows: who
receives it, starting, pausing, resuming and cancelling, the task queue and the watchdog, and
the row states a sender moves through (claim, retry, fail, unknown).

The states and why they make a send exactly-once are told in :mod:`plugins.newsletter.delivery`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Delivery, Mailing, NewsletterPage, Subscriber
from .rendering import edition_language, editions_of, unknown_placeholders
from .transport import NotDelivered

log = logging.getLogger("plugins.newsletter")


def log_event(event: str, mailing_id: int, level: int = logging.INFO, **fields) -> None:
    """One structured line per change of a send: ``newsletter.<event> mailing=<id> k=v``;
    the same fields go to the record (``extra``) for a JSON formatter."""
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    log.log(
        level,
        "newsletter.%s mailing=%s %s",
        event,
        mailing_id,
        text,
        extra={"event": f"newsletter.{event}", "mailing_id": mailing_id, **fields},
    )


ACTIVE = [Mailing.Status.RUNNING, Mailing.Status.PAUSED, Mailing.Status.FINISHED]


def setting(name: str):
    return apps.get_app_config("newsletter").setting(name)


class MailingError(ValidationError):
    """Why a send cannot start or change (shown to the editor as is)."""


# --- who receives what ----------------------------------------------------------------------


def recipients(page: NewsletterPage, site):
    """Confirmed subscribers of the site who chose one of the issue's topics (or all)."""
    qs = Subscriber.objects.filter(site=site, status=Subscriber.Status.CONFIRMED)
    topic_ids = [topic.pk for topic in page.topics.all()]
    if topic_ids:
        qs = qs.filter(topics__in=topic_ids).distinct()
    return qs


def default_edition(page: NewsletterPage) -> NewsletterPage:
    """The issue in the site's default language, whichever edition the editor is looking at."""
    source = (
        NewsletterPage.objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .select_related("locale")
        .first()
    )
    return source or page


def edition_counts(page: NewsletterPage, site) -> dict[str, int]:
    """How many recipients each language edition has (untranslated languages get the default)."""
    available = set(editions_of(page))
    counts: dict[str, int] = {}
    rows = (
        Subscriber.objects.filter(pk__in=recipients(page, site).values("pk"))
        .values("language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        key = edition_language(row["language"], available)
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def problems(page: NewsletterPage, site) -> list[str]:
    """What stops this issue from being sent (empty when it may go out)."""
    found: list[str] = []
    editions = editions_of(page)
    if settings.LANGUAGE_CODE not in editions:
        found.append(_("Publish the issue in the default language first."))
    for language, edition in sorted(editions.items()):
        if not edition.intro.strip() and not len(edition.body):
            found.append(_("The %(language)s edition is empty.") % {"language": language})
        bad = unknown_placeholders(edition)
        if bad:
            found.append(
                _("The %(language)s edition has unknown placeholders: %(names)s")
                % {"language": language, "names": ", ".join(bad)}
            )
    if site is not None and not recipients(page, site).exists():
        found.append(_("Nobody would receive this issue: there are no confirmed subscribers."))
    return found


# --- starting, pausing, cancelling ----------------------------------------------------------


def start_mailing(page: NewsletterPage, user, send_at: datetime | None = None) -> Mailing:
    """Schedule (or start now) the send of an issue; raises MailingError with the reason."""
    page = default_edition(page)
    site = page.get_site()
    issues = problems(page, site)
    if issues:
        raise MailingError(issues)
    now = timezone.now()
    if send_at is not None and send_at < now - timedelta(minutes=1):
        raise MailingError(_("Choose a time in the future."))
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                page=page,
                translation_key=page.translation_key,
                site=site,
                send_at=send_at or now,
                created_by=user,
            )
    except IntegrityError as exc:
        raise MailingError(_("This issue has already been sent or scheduled.")) from exc

    def enqueue() -> None:
        # Several tasks side by side share the work: each claims its own batches.
        for _n in range(max(1, int(setting("PARALLEL_TASKS")))):
            enqueue_delivery(mailing.pk, mailing.send_at)

    transaction.on_commit(enqueue)
    return mailing


def cancel(mailing: Mailing) -> None:
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status != Mailing.Status.SCHEDULED:
            raise MailingError(_("Only a scheduled send can be cancelled; pause a running one."))
        locked.status = Mailing.Status.CANCELLED
        locked.save(update_fields=["status"])
    mailing.refresh_from_db()


def pause(mailing: Mailing, reason: str = "") -> None:
    updated = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.RUNNING).update(
        status=Mailing.Status.PAUSED, pause_reason=reason[:300]
    )
    if not updated:
        raise MailingError(_("Only a running send can be paused."))
    log_event("send_paused", mailing.pk, by="editor", reason=repr(reason[:100]))
    mailing.refresh_from_db()


def resume(mailing: Mailing) -> None:
    failed = Delivery.objects.filter(mailing=mailing, status=Delivery.Status.FAILED).count()
    # The failure limit counts again from here, or one more failure would pause it at once.
    updated = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PAUSED).update(
        status=Mailing.Status.RUNNING, pause_reason="", failure_baseline=failed
    )
    if not updated:
        raise MailingError(_("Only a paused send can be resumed."))
    log_event("send_resumed", mailing.pk)
    mailing.refresh_from_db()
    transaction.on_commit(lambda: enqueue_delivery(mailing.pk, None))


def resend_unknown(mailing: Mailing) -> int:
    """Send the rows whose outcome is unknown once more (same Message-ID, so a receiving
    system can recognise a copy); returns how many. The editor decides: a copy is likelier
    than a loss, since the server had the whole message when the connection broke."""
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status not in (
            Mailing.Status.RUNNING,
            Mailing.Status.PAUSED,
            Mailing.Status.FINISHED,
        ):
            raise MailingError(_("Only a send that has started can send again."))
        count = Delivery.objects.filter(mailing=locked, status=Delivery.Status.UNKNOWN).update(
            status=Delivery.Status.PENDING,
            next_attempt_at=timezone.now(),
            claim="",
            claimed_until=None,
            sending_at=None,
        )
        if not count:
            raise MailingError(_("No mail of this send has an unknown outcome."))
        if locked.status == Mailing.Status.FINISHED:
            locked.status = Mailing.Status.RUNNING
            locked.finished_at = None
            locked.last_progress_at = timezone.now()
            locked.save(update_fields=["status", "finished_at", "last_progress_at"])
        running = locked.status == Mailing.Status.RUNNING
    log_event("unknown_resent", mailing.pk, rows=count)
    if running:
        transaction.on_commit(lambda: enqueue_delivery(mailing.pk, None))
    mailing.refresh_from_db()
    return count


# --- the task queue ---------------------------------------------------------------------------


def enqueue_delivery(mailing_id: int, run_after: datetime | None) -> None:
    from .tasks import deliver_mailing

    _enqueue(deliver_mailing, mailing_id, run_after=run_after)


def _enqueue(task, *args, run_after: datetime | None = None) -> bool:
    """Enqueue, deferred where the backend can; a backend that cannot defer (the immediate
    one of the tests) gets only work that is due now, and ``newsletter_tick`` the rest."""
    backend = task.get_backend()
    if run_after is not None and run_after > timezone.now():
        if not backend.supports_defer:
            return False
        task = task.using(run_after=run_after)
    task.enqueue(*args)
    return True


def arm_watchdog(mailing: Mailing) -> None:
    """Queue one look at this send after the claim time: if a worker died, it restarts it."""
    from .tasks import watch_mailing

    now = timezone.now()
    due = now + timedelta(seconds=setting("CLAIM_SECONDS") + 5)
    with transaction.atomic():
        armed = (
            Mailing.objects.filter(pk=mailing.pk)
            .filter(Q(watchdog_at__isnull=True) | Q(watchdog_at__lt=now))
            .update(watchdog_at=due)
        )
        if armed:
            transaction.on_commit(lambda: _enqueue(watch_mailing, mailing.pk, run_after=due))


def resume_stalled(now: datetime | None = None) -> list[int]:
    """Sends that should be moving but are not (due, or a worker died): enqueue them again."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=setting("CLAIM_SECONDS"))
    due = list(
        Mailing.objects.filter(status=Mailing.Status.SCHEDULED, send_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    due += list(
        Mailing.objects.filter(status=Mailing.Status.RUNNING)
        .filter(Q(last_progress_at__isnull=True) | Q(last_progress_at__lt=stale))
        .values_list("pk", flat=True)
    )
    for mailing_id in due:
        log_event("send_restarted", mailing_id, by="tick")
        enqueue_delivery(mailing_id, None)
    return due


# --- preparing --------------------------------------------------------------------------------


def prepare(mailing_id: int) -> Mailing | None:
    """A due scheduled send becomes running: its delivery rows are made, all at once."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().select_related("page").get(pk=mailing_id)
        if mailing.status != Mailing.Status.SCHEDULED:
            return mailing
        if mailing.send_at > timezone.now():
            return None
        page = mailing.page
        available = set(editions_of(page))
        now = timezone.now()
        rows = recipients(page, mailing.site).order_by("pk").values_list("pk", "language")
        Delivery.objects.bulk_create(
            (
                Delivery(
                    mailing=mailing,
                    subscriber_id=pk,
                    language=edition_language(language, available),
                    next_attempt_at=now,
                )
                for pk, language in rows.iterator(chunk_size=5000)
            ),
            batch_size=2000,
        )
        mailing.status = Mailing.Status.RUNNING
        mailing.started_at = mailing.last_progress_at = now
        mailing.save(update_fields=["status", "started_at", "last_progress_at"])
        count = Delivery.objects.filter(mailing=mailing).count()
    log_event("send_started", mailing.pk, recipients=count, site=mailing.site.hostname)
    return mailing


# --- the rows of a running send ---------------------------------------------------------


def claim_batch(mailing: Mailing, claim: str, size: int) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        qs = (
            Delivery.objects.filter(
                mailing=mailing, status=Delivery.Status.PENDING, next_attempt_at__lte=now
            )
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("pk")
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True)[:size])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                claim=claim, claimed_until=now + timedelta(seconds=setting("CLAIM_SECONDS"))
            )
    return ids


def recover_stale(mailing: Mailing) -> None:
    """Rows left ``sending`` by a dead worker: the dot went out; never send them again."""
    stale = timezone.now() - timedelta(seconds=setting("CLAIM_SECONDS"))
    Delivery.objects.filter(
        mailing=mailing, status=Delivery.Status.SENDING, sending_at__lt=stale
    ).update(status=Delivery.Status.UNKNOWN, error="worker stopped after the final dot")


def finish_or_next(mailing: Mailing) -> tuple[bool, datetime | None]:
    open_rows = Delivery.objects.filter(
        mailing=mailing, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    )
    if not open_rows.exists():
        done = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.RUNNING).update(
            status=Mailing.Status.FINISHED, finished_at=timezone.now()
        )
        if done:
            counts = Mailing.objects.get(pk=mailing.pk).counts()
            fields = {k: counts[k] for k in ("sent", "failed", "skipped", "unknown")}
            log_event("send_finished", mailing.pk, **fields)
        return bool(done), None
    now = timezone.now()
    pending = open_rows.filter(status=Delivery.Status.PENDING)
    free = pending.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)).aggregate(
        t=Min("next_attempt_at")
    )["t"]
    held = pending.filter(claimed_until__gte=now).aggregate(t=Min("claimed_until"))["t"]
    candidates = [t for t in (free, held) if t is not None]
    # Only rows in flight at another worker: look again when they would count as stale.
    later = min(candidates) if candidates else now + timedelta(seconds=setting("CLAIM_SECONDS"))
    return False, max(later, now + timedelta(seconds=0.2))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=setting("RETRY_SECONDS") * (2 ** max(attempts - 1, 0)))


def fail_permanently(mailing: Mailing, delivery: Delivery, error: NotDelivered) -> bool:
    """Mark the row failed; True when the send paused itself because of too many failures."""
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, error=str(error)[:300], claim=""
    )
    # A refused recipient (5xx at RCPT) is a hard bounce: stop mailing that address.
    if error.stage == "RCPT" and error.code and 500 <= error.code < 600 and delivery.subscriber_id:
        Subscriber.objects.filter(pk=delivery.subscriber_id).update(
            status=Subscriber.Status.BOUNCED, unsubscribed_at=timezone.now()
        )
    failures = Delivery.objects.filter(mailing=mailing, status=Delivery.Status.FAILED).count()
    baseline = Mailing.objects.filter(pk=mailing.pk).values_list("failure_baseline", flat=True)[0]
    if failures - baseline >= setting("MAX_FAILURES"):
        reason = _("%(count)s deliveries failed; the last error: %(error)s") % {
            "count": failures,
            "error": str(error)[:150],
        }
        paused = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.RUNNING).update(
            status=Mailing.Status.PAUSED, pause_reason=reason[:300]
        )
        if paused:
            log_event("send_paused", mailing.pk, logging.WARNING, by="failures", failed=failures)
            notify_paused(mailing, reason)
            return True
    return False


def notify_paused(mailing: Mailing, reason: str) -> None:
    """Tell the editor who started the send that it stopped itself, and why."""
    from django.core.mail import send_mail
    from django.urls import reverse

    editor = mailing.created_by
    if editor is None or not editor.email:
        return
    with translation.override(
        getattr(editor, "preferred_language", None) or settings.LANGUAGE_CODE
    ):
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
            "newsletter_admin:issue", args=[mailing.page_id]
        )
        send_mail(
            _("Newsletter paused: %(title)s") % {"title": mailing.page.title},
            _(
                "The send of “%(title)s” paused itself: %(reason)s\n\n"
                "Check the mail server, then resume the send here: %(url)s"
            )
            % {"title": mailing.page.title, "reason": reason, "url": url},
            None,
            [editor.email],
            fail_silently=True,
        )
