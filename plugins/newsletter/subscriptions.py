"""Subscribing, confirming (double opt-in), preferences, leaving; CSV import and export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from treffpunkt.core.exports import safe_cell

from .models import Subscriber, Topic

#: bump when the consent wording below changes; each subscriber records the version agreed to
CONSENT_VERSION = "2026-11"
CONSENT_TEXT = gettext_lazy(
    "I would like to receive the newsletter by email. I can unsubscribe at any time with the "
    "link in every newsletter. My address is used for nothing else."
)
CONFIRM_SALT = "newsletter.confirm"
LANGUAGE_CODES = [code for code, _name in settings.INTERFACE_LANGUAGES]


def setting(name: str):
    return apps.get_app_config("newsletter").setting(name)


class TokenError(Exception):
    """A link that is forged, broken or expired; ``message`` says which, for the visitor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def confirmation_code(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token)


def subscriber_for_confirmation(code: str) -> Subscriber:
    max_age = timedelta(days=setting("UNCONFIRMED_DAYS"))
    try:
        token = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(code, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenError(_("This confirmation link has expired. Please sign up again.")) from exc
    except signing.BadSignature as exc:
        raise TokenError(
            _("This link is not valid. Please copy it completely from the mail.")
        ) from exc
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise TokenError(_("This sign-up no longer exists. Please sign up again."))
    return subscriber


def subscriber_for_token(token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(token=token).select_related("site").first()
    if subscriber is None or not token:
        raise TokenError(_("This link is not valid. Please copy it completely from the mail."))
    return subscriber


def subscribe(
    site,
    email: str,
    language: str,
    topics=(),
    *,
    user=None,
    source: str = "web form",
) -> Subscriber:
    """Sign an address up (pending until confirmed) and send the confirmation mail.

    An address that is already subscribed gets a mail with its preferences link instead, so
    the form never tells a stranger whether an address is on the list.
    """
    email = email.strip().lower()
    validate_email(email)
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Choose one of the offered languages."))
    topics = list(topics)
    if any(topic.site_id != site.pk for topic in topics):
        raise ValidationError(_("Choose topics of this site."))
    linked = user if user is not None and user.is_authenticated and user.email == email else None
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(site=site, email=email).first()
        if subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED:
            transaction.on_commit(lambda: send_already_subscribed(subscriber.pk))
            return subscriber
        if subscriber is None:
            subscriber = Subscriber(site=site, email=email)
        subscriber.language = language
        subscriber.status = Subscriber.Status.PENDING
        subscriber.consent_source = source[:200]
        subscriber.created_at = timezone.now()
        subscriber.user = linked or subscriber.user
        try:
            with transaction.atomic():
                subscriber.save()
        except IntegrityError:  # the same address, submitted twice at once
            return Subscriber.objects.get(site=site, email=email)
        subscriber.topics.set(topics)
        pk = subscriber.pk
        transaction.on_commit(lambda: _queue_confirmation(pk))
    return subscriber


def _queue_confirmation(subscriber_id: int) -> None:
    from .tasks import send_confirmation

    send_confirmation.enqueue(subscriber_id)


def _site_url(site, path: str) -> str:
    return site.root_url.rstrip("/") + path


def _mail(subscriber: Subscriber, template: str, context: dict) -> None:
    with translation.override(subscriber.language):
        context = {"subscriber": subscriber, "site": subscriber.site, **context}
        subject = render_to_string(f"newsletter/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"newsletter/email/{template}.txt", context)
    EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [subscriber.email]).send()


def send_confirmation(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).select_related("site").first()
    if subscriber is None or subscriber.status != Subscriber.Status.PENDING:
        return
    with translation.override(subscriber.language):
        path = reverse("plugins:newsletter:confirm", args=[confirmation_code(subscriber)])
    _mail(
        subscriber,
        "confirm",
        {
            "confirm_url": _site_url(subscriber.site, path),
            "days": setting("UNCONFIRMED_DAYS"),
            "consent_text": CONSENT_TEXT,
        },
    )


def send_already_subscribed(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).select_related("site").first()
    if subscriber is None:
        return
    with translation.override(subscriber.language):
        path = reverse("plugins:newsletter:preferences", args=[subscriber.token])
    _mail(subscriber, "already_subscribed", {"preferences_url": _site_url(subscriber.site, path)})


def confirm(subscriber: Subscriber) -> bool:
    """Confirm a pending sign-up; True when this call confirmed it."""
    updated = Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.CONFIRMED,
        consent_at=timezone.now(),
        consent_text_version=CONSENT_VERSION,
        unsubscribed_at=None,
    )
    subscriber.refresh_from_db()
    return bool(updated)


def unsubscribe(subscriber: Subscriber) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()


def update_preferences(subscriber: Subscriber, language: str, topics) -> None:
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Choose one of the offered languages."))
    topics = list(topics)
    if any(topic.site_id != subscriber.site_id for topic in topics):
        raise ValidationError(_("Choose topics of this site."))
    with transaction.atomic():
        subscriber.language = language
        subscriber.save(update_fields=["language"])
        subscriber.topics.set(topics)


def delete_unconfirmed(now=None) -> int:
    """Sign-ups never confirmed within UNCONFIRMED_DAYS are deleted (no consent, no data)."""
    cutoff = (now or timezone.now()) - timedelta(days=setting("UNCONFIRMED_DAYS"))
    deleted, _details = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, created_at__lt=cutoff
    ).delete()
    return deleted


# --- import and export ----------------------------------------------------------------------

IMPORT_COLUMNS = ["email", "language", "topics"]
MAX_IMPORT_ROWS = 50_000


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    left_before: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors


def import_csv(site, data: bytes | str, *, source: str, dry_run: bool = True) -> ImportReport:
    """Import a list whose consent was given elsewhere (``source`` says where).

    All or nothing: a file with any broken row imports nothing and lists the broken rows.
    People who left the list before are not put back on it.
    """
    report = ImportReport(dry_run=dry_run)
    source = (source or "").strip()
    if not source:
        report.errors.append(_("Say where the consent of these people was given."))
        return report
    reader = _csv_reader(data, report)
    if reader is None:
        return report
    planned = _plan_import(site, reader, report)
    if not report.errors and not dry_run:
        _save_import(site, planned, source)
    return report


def _csv_reader(data: bytes | str, report: ImportReport) -> csv.DictReader | None:
    """A reader with lower-case column names, or None (and an error) for an unusable file."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append(_("The file is not UTF-8 text (save it as CSV UTF-8)."))
            return None
    try:
        dialect = csv.Sniffer().sniff(data[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(data), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in header:
        report.errors.append(_("The first line must name the columns; one must be “email”."))
        return None
    reader.fieldnames = header
    return reader


def _row_problem(line: int, email: str, language: str, unknown: list[str], seen: set) -> str:
    """Why a row cannot be imported, or "" when it can."""
    try:
        validate_email(email)
    except ValidationError:
        return _("Line %(line)s: “%(email)s” is not an email address.") % {
            "line": line,
            "email": email[:80],
        }
    if language not in LANGUAGE_CODES:
        return _("Line %(line)s: unknown language “%(language)s”.") % {
            "line": line,
            "language": language[:10],
        }
    if unknown:
        return _("Line %(line)s: unknown topic “%(topic)s”.") % {"line": line, "topic": unknown[0]}
    if email in seen:
        return _("Line %(line)s: “%(email)s” appears twice.") % {"line": line, "email": email}
    return ""


LEFT_BEFORE = (
    Subscriber.Status.UNSUBSCRIBED,
    Subscriber.Status.BOUNCED,
    Subscriber.Status.COMPLAINED,
)


def _plan_import(site, reader: csv.DictReader, report: ImportReport) -> list[tuple]:
    """Check every row into the report; returns (email, language, topics) of the new ones."""
    topics = {t.name.lower(): t for t in Topic.objects.filter(site=site)}
    existing = dict(Subscriber.objects.filter(site=site).values_list("email", "status"))
    seen: set[str] = set()
    planned: list[tuple[str, str, list[Topic]]] = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_IMPORT_ROWS:
            report.errors.append(_("More than %(max)s rows.") % {"max": MAX_IMPORT_ROWS})
            break
        email = (row.get("email") or "").strip().lower()
        language = (row.get("language") or "").strip().lower() or settings.LANGUAGE_CODE
        names = [n.strip() for n in (row.get("topics") or "").split("|") if n.strip()]
        unknown = [n for n in names if n.lower() not in topics]
        problem = _row_problem(line, email, language, unknown, seen)
        if problem:
            report.errors.append(problem)
            continue
        seen.add(email)
        status = existing.get(email)
        if status == Subscriber.Status.CONFIRMED:
            report.already.append(email)
        elif status in LEFT_BEFORE:
            report.left_before.append(email)
        else:
            report.created.append(email)
            planned.append((email, language, [topics[n.lower()] for n in names]))
    return planned


def _save_import(site, planned: list[tuple], source: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        Subscriber.objects.filter(
            site=site, email__in=[p[0] for p in planned], status=Subscriber.Status.PENDING
        ).delete()
        made = Subscriber.objects.bulk_create(
            [
                Subscriber(
                    site=site,
                    email=email,
                    language=language,
                    status=Subscriber.Status.CONFIRMED,
                    consent_at=now,
                    consent_text_version="import",
                    consent_source=f"import: {source}"[:200],
                )
                for email, language, _topics in planned
            ]
        )
        through = Subscriber.topics.through
        through.objects.bulk_create(
            [
                through(subscriber_id=sub.pk, topic_id=topic.pk)
                for sub, (_e, _l, chosen) in zip(made, planned, strict=True)
                for topic in chosen
            ]
        )


def export_csv(site) -> str:
    """Every address of the site's list with its consent record, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "email",
            "language",
            "topics",
            "status",
            "signed_up",
            "consent_at",
            "consent_text_version",
            "consent_source",
        ]
    )
    rows = Subscriber.objects.filter(site=site).prefetch_related("topics").order_by("email")
    for s in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                safe_cell(s.email),
                s.language,
                "|".join(safe_cell(t.name) for t in s.topics.all()),
                s.status,
                s.created_at.isoformat(),
                s.consent_at.isoformat() if s.consent_at else "",
                s.consent_text_version,
                safe_cell(s.consent_source),
            ]
        )
    return out.getvalue()
