"""Delivering a send: one row per recipient, claimed in batches, each mail marked exactly once.

States of a :class:`~plugins.newsletter.models.Delivery`::

    pending --claim--> pending (claimed) --body written, before the final dot--> sending
    sending --250--> sent          sending --4xx--> pending (retry later) or failed
    sending --5xx--> failed        sending, worker died --lease over--> unknown

Why this cannot double or skip: SMTP has no idempotency key, so the one moment that decides
whether a recipient has the mail is when the client writes the final "." of DATA. We mark the
row ``sending`` (a compare-and-set on our claim, committed) right before writing that dot and
``sent`` once the server answered 250 (written in the same commit as the next row's
mark, which halves the commits; a row waiting for that commit is ``sending``, which is
never sent again). A worker killed before the mark leaves the row
``pending``: the server never got the dot, so it discarded the message, and the row is sent
again after the claim lapses. A worker killed after the mark leaves ``sending``: the dot was
written (a killed process's socket still flushes it), so the server has the mail; the row
becomes ``unknown`` and is never sent again. The only gap is the instant between committing
the mark and writing the dot — microseconds in which a kill skips one recipient, which the
admin shows as "outcome unknown". A killed worker leaves at most two rows "unknown" per
sender thread (the one being sent and the one whose "sent" was not yet written), and never a
double. Other backends (django-anymail's HTTP APIs, the console) have no such split, so
for them the mark is committed just before the call: the same guarantee with a wider gap.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import IntegrityError, connections, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from .models import Delivery, Mailing, NewsletterPage, Subscriber
from .rendering import (
    Edition,
    edition_language,
    editions_of,
    recipient_values,
    render_edition,
    unknown_placeholders,
)

log = logging.getLogger(__name__)

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
    mailing.refresh_from_db()


def resume(mailing: Mailing) -> None:
    failed = Delivery.objects.filter(mailing=mailing, status=Delivery.Status.FAILED).count()
    # The failure limit counts again from here, or one more failure would pause it at once.
    updated = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PAUSED).update(
        status=Mailing.Status.RUNNING, pause_reason="", failure_baseline=failed
    )
    if not updated:
        raise MailingError(_("Only a paused send can be resumed."))
    mailing.refresh_from_db()
    transaction.on_commit(lambda: enqueue_delivery(mailing.pk, None))


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
    return mailing


# --- sending ----------------------------------------------------------------------------------


class NotDelivered(Exception):
    """The server did not take the message (the row may be retried or fails)."""

    def __init__(self, message: str, *, temporary: bool, code: int | None = None, stage: str = ""):
        super().__init__(message)
        self.temporary, self.code, self.stage = temporary, code, stage


class Ambiguous(Exception):
    """The final dot went out but no answer came back: the server may have the message."""


class Abandoned(Exception):
    """Our claim on the row was lost before the dot; nothing was delivered."""


class SMTPTransport:
    """Talks SMTP itself so that the row can be marked between the body and the final dot."""

    def __init__(self) -> None:
        self.conn: smtplib.SMTP | None = None

    def open(self) -> None:
        cls = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
        kwargs = {"timeout": getattr(settings, "EMAIL_TIMEOUT", None) or 30}
        if settings.EMAIL_USE_SSL:
            kwargs["context"] = ssl.create_default_context()
        self.conn = cls(settings.EMAIL_HOST, settings.EMAIL_PORT, **kwargs)
        # The final dot is written alone, after the row is marked. With Nagle's algorithm on,
        # the kernel holds that small write until the body is acknowledged, and the server
        # acknowledges late (delayed ACK): some 40 ms lost on every mail.
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if settings.EMAIL_USE_TLS:
            self.conn.starttls(context=ssl.create_default_context())
        if settings.EMAIL_HOST_USER:
            self.conn.ehlo_or_helo_if_needed()
            self.conn.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                self.conn.close()
        self.conn = None

    def _abort(self) -> None:
        # Closing before the final dot makes the server drop the half-sent message.
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def send(self, message: EmailMultiAlternatives, mark_sending: Callable[[], bool]) -> None:
        encoding = message.encoding or settings.DEFAULT_CHARSET
        from_addr = sanitize_address(message.from_email, encoding)
        to_addr = sanitize_address(message.to[0], encoding)
        data = message.message().as_bytes(linesep="\r\n")
        try:
            if self.conn is None:
                self.open()
            conn = self.conn
            conn.ehlo_or_helo_if_needed()
            for stage, command, ok in (
                ("MAIL", lambda: conn.mail(from_addr), (250,)),
                ("RCPT", lambda: conn.rcpt(to_addr), (250, 251)),
                ("DATA", lambda: conn.docmd("DATA"), (354,)),
            ):
                code, reply = command()
                if code not in ok:
                    if stage != "DATA":
                        conn.rset()
                    else:
                        self._abort()
                    raise NotDelivered(
                        reply.decode(errors="replace"),
                        temporary=400 <= code < 500,
                        code=code,
                        stage=stage,
                    )
            body = re.sub(rb"(?m)^\.", b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            conn.send(body)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._abort()
            raise NotDelivered(
                str(exc) or type(exc).__name__, temporary=True, stage="connect"
            ) from exc
        if not mark_sending():
            self._abort()
            raise Abandoned
        try:
            conn.send(b".\r\n")
            code, reply = conn.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._abort()
            raise Ambiguous(str(exc)) from exc
        if code != 250:
            raise NotDelivered(
                reply.decode(errors="replace"), temporary=400 <= code < 500, code=code, stage="DATA"
            )


class BackendTransport:
    """Any other Django mail backend (django-anymail's providers, the console)."""

    def __init__(self) -> None:
        self.connection = None

    def open(self) -> None:
        self.connection = get_connection(fail_silently=False)
        self.connection.open()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def send(self, message: EmailMultiAlternatives, mark_sending: Callable[[], bool]) -> None:
        if self.connection is None:
            self.open()
        if not mark_sending():
            raise Abandoned
        message.connection = self.connection
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - providers raise their own kinds
            status = getattr(exc, "status_code", None)
            raise NotDelivered(str(exc)[:300], temporary=status is None or status >= 500) from exc


def make_transport():
    if settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
        return SMTPTransport()
    return BackendTransport()


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    next_run: datetime | None = None
    finished: bool = False
    editions: dict[str, Edition] = field(default_factory=dict)


def _build_message(mailing: Mailing, edition: Edition, subscriber: Subscriber, delivery_id: int):
    values = recipient_values(subscriber, mailing.site)
    subject, html, text = edition.personalise(values)
    domain = mailing.site.hostname
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            # RFC 8058: mail programs offer a button that POSTs "List-Unsubscribe=One-Click".
            "List-Unsubscribe": f"<{values['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<newsletter.{domain}>",
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
            # The same id whatever happens, so a receiving system could spot a copy.
            "Message-ID": make_msgid(f"nl{mailing.pk}.{delivery_id}", domain=domain),
            "X-Newsletter-Delivery": f"{mailing.pk}.{delivery_id}",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(mailing: Mailing, claim: str, size: int) -> list[int]:
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


def _recover_stale(mailing: Mailing) -> None:
    """Rows left ``sending`` by a dead worker: the dot went out; never send them again."""
    stale = timezone.now() - timedelta(seconds=setting("CLAIM_SECONDS"))
    Delivery.objects.filter(
        mailing=mailing, status=Delivery.Status.SENDING, sending_at__lt=stale
    ).update(status=Delivery.Status.UNKNOWN, error="worker stopped after the final dot")


def _finish_or_next(mailing: Mailing) -> tuple[bool, datetime | None]:
    open_rows = Delivery.objects.filter(
        mailing=mailing, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    )
    if not open_rows.exists():
        done = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.RUNNING).update(
            status=Mailing.Status.FINISHED, finished_at=timezone.now()
        )
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


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=setting("RETRY_SECONDS") * (2 ** max(attempts - 1, 0)))


def _fail_permanently(mailing: Mailing, delivery: Delivery, error: NotDelivered) -> bool:
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


def senders() -> int:
    """Threads a delivery task sends with. SQLite lets one writer in at a time: one there."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return 1
    return max(1, int(setting("SENDERS")))


def run_senders(mailing_id: int, *, budget_seconds: float | None = None) -> RunResult:
    """:func:`run` in several threads of this process, each with its own claim, SMTP
    connection and database connection: while one waits for the server's 250 or for a
    commit, the others send. Each row is still claimed by exactly one of them."""
    count = senders()
    if count == 1 or transaction.get_connection().in_atomic_block:
        # inside a transaction (a task run at once, in the request) other threads would not
        # see its rows: this thread sends alone
        return run(mailing_id, budget_seconds=budget_seconds)

    def one() -> RunResult:
        try:
            return run(mailing_id, budget_seconds=budget_seconds, share=count)
        finally:
            connections.close_all()  # the thread's own connections

    with ThreadPoolExecutor(count, thread_name_prefix="newsletter-sender") as pool:
        outcomes = [future.result() for future in [pool.submit(one) for _ in range(count)]]
    merged = RunResult(
        sent=sum(o.sent for o in outcomes),
        failed=sum(o.failed for o in outcomes),
        retried=sum(o.retried for o in outcomes),
    )
    if any(o.finished for o in outcomes):
        merged.finished = True
    elif any(o.next_run for o in outcomes):
        # decided again once all senders stopped: one that ran dry saw the others' rows open
        merged.finished, merged.next_run = _finish_or_next(Mailing.objects.get(pk=mailing_id))
    return merged


def run(mailing_id: int, *, budget_seconds: float | None = None, share: int = 1) -> RunResult:
    """Send what is due of one send, batch after batch, until done, paused or out of time.
    ``share``: how many senders split the send's rate limit."""
    result = RunResult()
    mailing = prepare(mailing_id)
    if mailing is None or mailing.status != Mailing.Status.RUNNING:
        return result
    arm_watchdog(mailing)
    budget = budget_seconds if budget_seconds is not None else setting("TASK_SECONDS")
    deadline = time.monotonic() + budget
    claim = get_random_string(32)
    rate = float(setting("MESSAGES_PER_SECOND") or 0) / share
    interval = 1.0 / rate if rate > 0 else 0.0
    # A batch must end well inside its claim, also when the rate limit slows it down.
    size = int(setting("BATCH_SIZE"))
    if rate:
        size = max(1, min(size, int(rate * setting("CLAIM_SECONDS") / 2)))
    pages: dict[str, NewsletterPage] = {}
    transport = make_transport()
    last_send = 0.0
    accepted: list[int] = []  # accepted by the server, not yet recorded as sent

    def flush_sent() -> None:
        if accepted:
            Delivery.objects.filter(pk__in=accepted).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), claim="", error=""
            )
            accepted.clear()

    try:
        while time.monotonic() < deadline:
            status = Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True)[0]
            if status != Mailing.Status.RUNNING:
                return result
            _recover_stale(mailing)
            ids = _claim(mailing, claim, size)
            if not ids:
                break
            rows = list(
                Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
            )
            temporary_in_a_row = 0
            for index, delivery in enumerate(rows):
                subscriber = delivery.subscriber
                if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                    Delivery.objects.filter(pk=delivery.pk, claim=claim).update(
                        status=Delivery.Status.SKIPPED, claim=""
                    )
                    continue
                edition = result.editions.get(delivery.language)
                if edition is None:
                    if not pages:
                        pages.update(editions_of(mailing.page))
                    page = pages.get(delivery.language) or pages.get(settings.LANGUAGE_CODE)
                    page = page or mailing.page
                    edition = render_edition(page, mailing.site)
                    result.editions[delivery.language] = edition
                message = _build_message(mailing, edition, subscriber, delivery.pk)
                if interval:
                    wait = last_send + interval - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    last_send = time.monotonic()

                def mark_sending(pk=delivery.pk) -> bool:
                    # One commit records the previous mail as sent and this one as sending.
                    with transaction.atomic():
                        flush_sent()
                        return bool(
                            Delivery.objects.filter(
                                pk=pk, status=Delivery.Status.PENDING, claim=claim
                            ).update(status=Delivery.Status.SENDING, sending_at=timezone.now())
                        )

                try:
                    transport.send(message, mark_sending)
                except Abandoned:
                    continue
                except Ambiguous as exc:
                    Delivery.objects.filter(pk=delivery.pk).update(
                        status=Delivery.Status.UNKNOWN, error=str(exc)[:300], claim=""
                    )
                    continue
                except NotDelivered as exc:
                    attempts = delivery.attempts + 1
                    if exc.temporary and attempts < setting("MAX_ATTEMPTS"):
                        temporary_in_a_row += 1
                        result.retried += 1
                        retry_at = timezone.now() + _backoff(attempts)
                        Delivery.objects.filter(pk=delivery.pk).update(
                            status=Delivery.Status.PENDING,
                            attempts=attempts,
                            next_attempt_at=retry_at,
                            error=str(exc)[:300],
                            claim="",
                            claimed_until=None,
                        )
                        if temporary_in_a_row >= 3 or exc.stage == "connect":
                            # The server is in trouble, not one address: give the rest of
                            # the batch back, to be tried when this row is.
                            rest = [d.pk for d in rows[index + 1 :]]
                            Delivery.objects.filter(
                                pk__in=rest, status=Delivery.Status.PENDING, claim=claim
                            ).update(claim="", claimed_until=None, next_attempt_at=retry_at)
                            transport.close()
                            break
                        continue
                    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts)
                    result.failed += 1
                    if _fail_permanently(mailing, delivery, exc):
                        # Paused: give back the rest of the batch untouched.
                        rest = [d.pk for d in rows[index + 1 :]]
                        Delivery.objects.filter(
                            pk__in=rest, status=Delivery.Status.PENDING, claim=claim
                        ).update(claim="", claimed_until=None)
                        return result
                    continue
                temporary_in_a_row = 0
                # Written with the next row's mark (or at the end of the batch); until then
                # the row stays "sending", which is never sent again: still exactly once.
                accepted.append(delivery.pk)
                result.sent += 1
            flush_sent()
            Mailing.objects.filter(pk=mailing.pk).update(last_progress_at=timezone.now())
    finally:
        flush_sent()
        transport.close()
    result.finished, result.next_run = _finish_or_next(mailing)
    return result


def drain(mailing_id: int, timeout: float = 120.0) -> Mailing:
    """Run a send to its end in this process, waiting out retries (tests, bench, commands)."""
    deadline = time.monotonic() + timeout
    while True:
        outcome = run(mailing_id, budget_seconds=max(deadline - time.monotonic(), 0.1))
        mailing = Mailing.objects.get(pk=mailing_id)
        if mailing.status != Mailing.Status.RUNNING or outcome.finished:
            return mailing
        if time.monotonic() >= deadline:
            return mailing
        if outcome.next_run is not None:
            wait = (outcome.next_run - timezone.now()).total_seconds()
            time.sleep(min(max(wait, 0.05), max(deadline - time.monotonic(), 0)))
