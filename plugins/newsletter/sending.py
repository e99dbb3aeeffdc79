"""Sending a running send: a :class:`Sender` claims batches of rows and hands each mail to a
transport, marking every row exactly once (see :mod:`plugins.newsletter.delivery`)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from treffpunkt.core.shutdown import stop_requested

from . import mailings
from .mailings import setting
from .models import Delivery, Mailing, NewsletterPage, Subscriber
from .rendering import Edition, editions_of, recipient_values, render_edition
from .transport import Abandoned, Ambiguous, NotDelivered, make_transport


@dataclass
class RunResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    next_run: datetime | None = None
    finished: bool = False
    editions: dict[str, Edition] = field(default_factory=dict)


def build_message(mailing: Mailing, edition: Edition, subscriber: Subscriber, delivery_id: int):
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
            # The same id however often the row is sent (a retry, a resend of an "unknown"
            # row), so a receiving system can spot a copy.
            "Message-ID": f"<newsletter.{mailing.pk}.{delivery_id}@{domain}>",
            "X-Newsletter-Delivery": f"{mailing.pk}.{delivery_id}",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


class _Stop(Exception):
    """The send paused itself while this sender was in a batch."""


class Sender:
    """One sender of a send: its own claim, transport and (in a thread) database connection.

    ``share``: how many senders split the send's rate limit."""

    def __init__(self, mailing: Mailing, *, budget_seconds: float | None = None, share: int = 1):
        self.mailing = mailing
        budget = budget_seconds if budget_seconds is not None else setting("TASK_SECONDS")
        self.deadline = time.monotonic() + budget
        self.claim = get_random_string(32)
        rate = float(setting("MESSAGES_PER_SECOND") or 0) / share
        self.interval = 1.0 / rate if rate > 0 else 0.0
        # A batch must end well inside its claim, also when the rate limit slows it down.
        size = int(setting("BATCH_SIZE"))
        if rate:
            size = max(1, min(size, int(rate * setting("CLAIM_SECONDS") / 2)))
        self.batch_size = size
        self.result = RunResult()
        self.pages: dict[str, NewsletterPage] = {}
        self.transport = make_transport()
        self.last_send = 0.0
        self.accepted: list[int] = []  # accepted by the server, not yet recorded as sent

    # --- the loop ------------------------------------------------------------------------------

    def run(self) -> RunResult:
        """Send what is due, batch after batch, until done, paused or out of time."""
        mailing = self.mailing
        mailings.arm_watchdog(mailing)
        try:
            while time.monotonic() < self.deadline and not stop_requested.is_set():
                status = Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True)[0]
                if status != Mailing.Status.RUNNING:
                    return self.result
                mailings.recover_stale(mailing)
                ids = mailings.claim_batch(mailing, self.claim, self.batch_size)
                if not ids:
                    break
                rows = list(
                    Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
                )
                try:
                    self.send_batch(rows)
                except _Stop:
                    return self.result
                self.flush_sent()
                Mailing.objects.filter(pk=mailing.pk).update(last_progress_at=timezone.now())
        finally:
            self.flush_sent()
            self.transport.close()
        self.result.finished, self.result.next_run = mailings.finish_or_next(mailing)
        return self.result

    def send_batch(self, rows: list[Delivery]) -> None:
        """Send the claimed rows in order; gives the rest back when the server is in trouble
        (returns) or the send paused itself (raises _Stop)."""
        temporary_in_a_row = 0
        for index, delivery in enumerate(rows):
            if stop_requested.is_set():
                # The worker is stopping (a deploy): the rest of the batch goes back now,
                # for the next worker, instead of waiting for the claim to lapse.
                self.give_back([d.pk for d in rows[index:]])
                return
            subscriber = delivery.subscriber
            if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                Delivery.objects.filter(pk=delivery.pk, claim=self.claim).update(
                    status=Delivery.Status.SKIPPED, claim=""
                )
                continue
            message = build_message(
                self.mailing, self.edition(delivery.language), subscriber, delivery.pk
            )
            self.throttle()
            try:
                self.transport.send(message, lambda pk=delivery.pk: self.mark_sending(pk))
            except Abandoned:
                continue
            except Ambiguous as exc:
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.UNKNOWN, error=str(exc)[:300], claim=""
                )
                continue
            except NotDelivered as exc:
                rest = [d.pk for d in rows[index + 1 :]]
                if exc.temporary and delivery.attempts + 1 < setting("MAX_ATTEMPTS"):
                    temporary_in_a_row += 1
                    if self.retry_later(delivery, exc, rest, temporary_in_a_row):
                        return
                    continue
                self.fail(delivery, exc, rest)
                continue
            temporary_in_a_row = 0
            # Written with the next row's mark (or at the end of the batch); until then
            # the row stays "sending", which is never sent again: still exactly once.
            self.accepted.append(delivery.pk)
            self.result.sent += 1

    # --- one mail ------------------------------------------------------------------------------

    def edition(self, language: str) -> Edition:
        edition = self.result.editions.get(language)
        if edition is None:
            if not self.pages:
                self.pages.update(editions_of(self.mailing.page))
            page = self.pages.get(language) or self.pages.get(settings.LANGUAGE_CODE)
            edition = render_edition(page or self.mailing.page, self.mailing.site)
            self.result.editions[language] = edition
        return edition

    def throttle(self) -> None:
        if self.interval:
            wait = self.last_send + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.last_send = time.monotonic()

    def mark_sending(self, pk: int) -> bool:
        """One commit records the previous mail as sent and this one as sending."""
        with transaction.atomic():
            self.flush_sent()
            return bool(
                Delivery.objects.filter(
                    pk=pk, status=Delivery.Status.PENDING, claim=self.claim
                ).update(status=Delivery.Status.SENDING, sending_at=timezone.now())
            )

    def flush_sent(self) -> None:
        if self.accepted:
            Delivery.objects.filter(pk__in=self.accepted).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), claim="", error=""
            )
            self.accepted.clear()

    def give_back(self, rest: list[int], **changes) -> None:
        Delivery.objects.filter(
            pk__in=rest, status=Delivery.Status.PENDING, claim=self.claim
        ).update(claim="", claimed_until=None, **changes)

    def retry_later(
        self, delivery: Delivery, exc: NotDelivered, rest: list[int], in_a_row: int
    ) -> bool:
        """A temporary failure: the row waits; True when the rest of the batch waits too."""
        attempts = delivery.attempts + 1
        self.result.retried += 1
        retry_at = timezone.now() + mailings.backoff(attempts)
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING,
            attempts=attempts,
            next_attempt_at=retry_at,
            error=str(exc)[:300],
            claim="",
            claimed_until=None,
        )
        if in_a_row >= 3 or exc.stage == "connect":
            # The server is in trouble, not one address: give the rest of the batch back,
            # to be tried when this row is.
            self.give_back(rest, next_attempt_at=retry_at)
            self.transport.close()
            return True
        return False

    def fail(self, delivery: Delivery, exc: NotDelivered, rest: list[int]) -> None:
        Delivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts + 1)
        self.result.failed += 1
        if mailings.fail_permanently(self.mailing, delivery, exc):
            # Paused: give back the rest of the batch untouched.
            self.give_back(rest)
            raise _Stop


# --- entry points ---------------------------------------------------------------------------


def senders() -> int:
    """Threads a delivery task sends with. SQLite lets one writer in at a time: one there."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return 1
    return max(1, int(setting("SENDERS")))


def run(mailing_id: int, *, budget_seconds: float | None = None, share: int = 1) -> RunResult:
    """Send what is due of one send with one :class:`Sender` (a due scheduled send starts)."""
    mailing = mailings.prepare(mailing_id)
    if mailing is None or mailing.status != Mailing.Status.RUNNING:
        return RunResult()
    return Sender(mailing, budget_seconds=budget_seconds, share=share).run()


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
        merged.finished, merged.next_run = mailings.finish_or_next(
            Mailing.objects.get(pk=mailing_id)
        )
    return merged


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
