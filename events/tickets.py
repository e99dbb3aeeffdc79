"""QR tickets: what a confirmed registrant shows at the door, and how the door reads it.

A ticket is the registration's ``ticket`` code (see :func:`events.models.ticket_code`)
inside a check-in URL. The organiser's phone opens that URL with any camera app, or the
check-in page reads it with the browser's BarcodeDetector, or someone types the code: all
three end in :func:`check_in_by_ticket`, which only staff allowed to manage the event reach.
The code checks a person in and nothing else; cancelling still needs the mail's token.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from treffpunkt.links import absolute_url

from .models import TICKET_ALPHABET, TICKET_LENGTH, Registration

S = Registration.Status

_CODE = re.compile(f"[{TICKET_ALPHABET}]{{{TICKET_LENGTH}}}")


def has_ticket(registration: Registration) -> bool:
    """Tickets are for people with a place (not the waiting list, not a held place)."""
    return registration.parent_id is None and registration.status == S.CONFIRMED


def display_code(code: str) -> str:
    """``ABCD-EFGH-JKMN``: the code as printed under the QR code, easy to read aloud."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def read_code(text: str) -> str:
    """The ticket code in what was scanned, pasted or typed, or ``""``.

    Accepts the check-in URL (its last path segment), the printed form with hyphens and
    spaces, and lower case. Anything else (too long, foreign characters) gives ``""``.
    """
    text = (text or "").strip()[:500]
    if "/" in text:
        text = next((part for part in reversed(text.split("?")[0].split("/")) if part), "")
    code = re.sub(r"[\s\-]", "", text).upper()
    return code if _CODE.fullmatch(code) else ""


def ticket_path(registration: Registration) -> str:
    """The check-in address of a ticket, in the site's default language (the organiser's
    phone opens it, whatever language the registrant reads)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("events:ticket", args=[registration.event_id, registration.ticket])


def ticket_url(registration: Registration, site=None) -> str:
    site = site or registration.event.get_site()
    return absolute_url(site, ticket_path(registration))


def _qr(data: str, **kwargs):
    return qrcode.make(data, error_correction=qrcode.constants.ERROR_CORRECT_M, **kwargs)


def qr_svg(data: str) -> str:
    """The QR code as an inline ``<svg>`` (dark modules on a white square, sized by CSS)."""
    image = _qr(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)


def qr_png(data: str) -> bytes:
    """The QR code as a PNG, for the mail (mail programs do not show inline SVG)."""
    buffer = io.BytesIO()
    _qr(data, box_size=8, border=4).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class CheckInResult:
    """What the door learns from a ticket: ``outcome`` is ``checked_in``, ``already``,
    ``no_place`` (cancelled, waiting, unconfirmed) or ``unknown`` (no such ticket here)."""

    outcome: str
    registration: Registration | None = None


def find(event, code: str) -> Registration | None:
    """The registration of ``event`` with this ticket code (another event's ticket: none)."""
    if not code:
        return None
    return (
        Registration.objects.filter(event=event, ticket=code, parent=None)
        .select_related("user")
        .first()
    )


def check_in_by_ticket(event, text: str) -> CheckInResult:
    """Check in the holder of the ticket read from ``text``; changes nothing unless it is a
    valid ticket of ``event`` with a place that is not yet checked in."""
    from . import registrations as engine

    registration = find(event, read_code(text))
    if registration is None or registration.anonymised_at is not None:
        return CheckInResult("unknown")
    if not has_ticket(registration):
        return CheckInResult("no_place", registration)
    if registration.attended_at is not None:
        return CheckInResult("already", registration)
    engine.check_in(registration)
    return CheckInResult("checked_in", registration)
