"""The mails of a programme, each in its reader's language, with the links they act on."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Event

from treffpunkt.calendar.feeds import calendar_header, to_bytes

from . import services
from .models import Application, Match

FIRST_MEETING_LENGTH = timedelta(hours=1)


def _absolute(site, path: str) -> str:
    return site.root_url.rstrip("/") + path


def _send(to: list[str], language: str, template: str, context: dict, ics: bytes | None = None):
    with translation.override(language):
        subject = render_to_string(f"mentoring/email/{template}_subject.txt", context)
        body = render_to_string(f"mentoring/email/{template}.txt", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to
    )
    if ics is not None:
        message.attach("erstes-treffen.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()


def application_confirmation(application: Application) -> None:
    site = application.programme.site
    with translation.override(application.language):
        path = reverse("plugins:mentoring:confirm", args=[services.confirmation_code(application)])
    _send(
        [application.email or application.counsellor_email],
        application.language,
        "confirm",
        {
            "application": application,
            "programme": application.programme,
            "confirm_url": _absolute(site, path),
            "days": services.setting("UNCONFIRMED_DAYS"),
            "consent_text": services.CONSENT_TEXT,
        },
    )


def first_meeting_ics(match: Match) -> bytes | None:
    """One VEVENT for the first meeting, the same UID for everyone it goes to."""
    if match.first_meeting_at is None:
        return None
    site = match.programme.site
    calendar = calendar_header(match.programme.name)
    event = Event()
    event.add("uid", f"mentoring-match-{match.pk}@{site.hostname}")
    event.add("dtstamp", match.first_meeting_changed_at or match.started_at or match.proposed_at)
    # a new date keeps the UID and raises SEQUENCE: calendar apps replace the old entry
    event.add("sequence", match.first_meeting_sequence)
    start = match.first_meeting_at.astimezone(translation_zone())
    event.add("dtstart", start)
    event.add("dtend", start + FIRST_MEETING_LENGTH)
    event.add("summary", f"{match.programme.name}: {match.mentor.name} & {match.application.name}")
    if match.first_meeting_place:
        event.add("location", match.first_meeting_place)
    calendar.add_component(event)
    return to_bytes(calendar)


def translation_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def match_mail(match: Match, side: str, mail: str) -> None:
    """``side``: mentor, mentee or coordinators; ``mail``: proposed, active, redated,
    declined, ended, new_match."""
    programme, site = match.programme, match.programme.site
    if side == "mentor":
        recipients, language, token = (
            [match.mentor.email],
            match.mentor.language,
            match.mentor_token,
        )
    elif side == "mentee":
        # applied by a counsellor without an address of their own: the counsellor passes it on
        recipients = [match.application.email or match.application.counsellor_email]
        language, token = match.application.language, match.mentee_token
    else:
        recipients = list(programme.coordinators.values_list("email", flat=True))
        language, token = settings.LANGUAGE_CODE, None
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    context = {"match": match, "programme": programme, "side": side, "mail": mail}
    if token:
        with translation.override(language):
            context["link"] = _absolute(site, reverse("plugins:mentoring:answer", args=[token]))
    else:
        with translation.override(language):
            path = reverse("plugins:mentoring:match", args=[match.pk])
        context["link"] = _absolute(site, path)
    ics = first_meeting_ics(match) if mail in ("active", "redated") else None
    _send(recipients, language, "match", context, ics)


def certificate_reminder(mentor) -> None:
    from . import ranking

    programme = mentor.programme
    until = ranking.certificate_valid_until(mentor.police_certificate_date)
    recipients = [mentor.email, *programme.coordinators.values_list("email", flat=True)]
    _send(
        [address for address in recipients if address],
        mentor.language,
        "certificate",
        {
            "mentor": mentor,
            "programme": programme,
            "valid_until": until,
            "expired": until is not None and until < timezone.localdate(),
        },
    )


def _page_in(page, language: str):
    """``page``'s live translation into ``language``, else ``page`` itself."""
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=language).first()
    if locale is not None and locale.pk != page.locale_id:
        translation_page = page.get_translation_or_none(locale)
        if translation_page is not None and translation_page.live:
            return translation_page
    return page


def training_invitation(invitation, mentor) -> None:
    programme, site = invitation.programme, invitation.programme.site
    event = _page_in(invitation.event.specific, mentor.language)
    with translation.override(mentor.language):
        _site_id, _root, path = event.get_url_parts()
    _send(
        [mentor.email],
        mentor.language,
        "training",
        {
            "mentor": mentor,
            "programme": programme,
            "event": event,
            "start": invitation.event.specific.start,
            "link": _absolute(site, path),
        },
    )
