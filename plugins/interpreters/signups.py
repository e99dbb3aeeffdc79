"""Links to the rest of the site: an event's sign-ups ask for interpretation.

An event's sign-up question asks for interpretation when its label names it (German
"Dolmetsch…", "Sprachmittl…", "Übersetz…", English "interpret…", "translat…"); the answer
names a language ("Arabisch", "Ukrainian", "Farsi", "tir" …). When a sign-up with such an
answer gets its confirmed place (``treffpunkt.signals.registration_confirmed``), the pool
holds one request per event and language for the event's time and place, with the number
of people of every confirmed sign-up that asked for it, and starts looking for mediators.

Counting anew from the confirmed sign-ups each time makes the receiver idempotent (a form
sent twice finds the same sign-up and announces it again). A sign-up that ends (cancelled,
lapsed, declined: ``treffpunkt.signals.registration_ended``) is counted out the same way;
a request with nobody left is cancelled, and a mediator who had taken it is told. Someone
asking again later opens the cancelled request anew.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from treffpunkt.accounts import roles
from treffpunkt.signals import registration_confirmed, registration_ended

from .languages import POOL_LANGUAGES, language_name
from .models import Mode, Request, Topic

log = logging.getLogger(__name__)

_QUESTION = re.compile(r"dolmetsch|sprachmittl|übersetz|interpret|translat", re.IGNORECASE)
#: names people write that CLDR does not give
_ALIASES = {"farsi": "pes", "kurdisch": "kmr", "kurdish": "kmr", "kurmanji": "kmr"}
_NAMED_IN = ("de", "en", "ar", "uk", "tr")


def asks_for_interpretation(label: str) -> bool:
    return bool(_QUESTION.search(label or ""))


def _names() -> dict[str, str]:
    names = dict(_ALIASES)
    for code in POOL_LANGUAGES:
        names[code] = code
        names[language_name(code).casefold()] = code
        for reader in _NAMED_IN:
            names.setdefault(language_name(code, reader).casefold(), code)
    return names


def languages_in(answer) -> list[str]:
    """The pool languages an answer names ("Arabisch", "Arabisch, Farsi"), in order."""
    if not isinstance(answer, str):
        return []
    names = _names()
    found: list[str] = []
    for part in re.split(r"[,;/\n]|\bund\b|\band\b", answer):
        code = names.get(part.strip().casefold())
        if code and code not in found:
            found.append(code)
    return found


def _needs(registration) -> list[str]:
    found: list[str] = []
    for label, answer in (registration.answers or {}).items():
        if asks_for_interpretation(label):
            found += [code for code in languages_in(answer) if code not in found]
    return found


def _people(event_id: int, languages: list[str]) -> dict[str, int]:
    """People of the event's confirmed sign-ups that asked for each language."""
    from events.models import Registration

    confirmed = Registration.objects.filter(
        event=event_id, status=Registration.Status.CONFIRMED, parent=None
    ).only("answers", "party_size")
    counts = dict.fromkeys(languages, 0)
    for registration in confirmed:
        for code in _needs(registration):
            if code in counts:
                counts[code] += registration.party_size
    return counts


@receiver(registration_confirmed, dispatch_uid="interpreters_event_sign_up")
def sign_up_confirmed(sender, registration, event, **kwargs) -> None:
    languages = _needs(registration)
    if not languages or event.start <= timezone.now():
        return
    for language, people in _people(registration.event_id, languages).items():
        request_for_event(sender, event, language, max(people, 1))


@receiver(registration_ended, dispatch_uid="interpreters_event_sign_up_ended")
def sign_up_ended(sender, registration, event, **kwargs) -> None:
    """A sign-up that asked for interpretation is cancelled, lapsed or declined: its
    requests count it out; one with nobody left is cancelled."""
    languages = _needs(registration)
    if not languages or event.start <= timezone.now():
        return
    for language, people in _people(registration.event_id, languages).items():
        recount(sender, event, language, people)


def recount(site, event, language: str, people: int) -> Request | None:
    """The event's request in ``language`` with its new number of people (none left: the
    request is cancelled and an assigned mediator told)."""
    from . import services

    with transaction.atomic():
        found = (
            Request.objects.select_for_update()
            .filter(site=site, source=f"event:{event.pk}", language=language)
            .first()
        )
        if found is None or found.status in (Request.Status.CANCELLED, Request.Status.DONE):
            return found
        if people <= 0:
            services.cancel(found)
            log.info(
                "interpreting request %s cancelled: nobody of event %s needs it", found.pk, event.pk
            )
        elif found.people != people:
            found.people = people
            found.save(update_fields=["people"])
    return found


def _requester(event, site):
    """Who made the event's page, if they belong to the town's network: they hear who
    interprets, like any requester."""
    owner = event.owner
    return owner if owner is not None and roles.is_network_member(owner, site) else None


def request_for_event(site, event, language: str, people: int) -> Request:
    """The pool's request for ``event`` in ``language``: made once, its number of people
    kept up to date."""
    from . import services

    source = f"event:{event.pk}"
    with transaction.atomic():
        found = (
            Request.objects.select_for_update()
            .filter(site=site, source=source, language=language)
            .first()
        )
        if found is not None:
            if found.status == Request.Status.CANCELLED:
                # everyone who had asked cancelled, and now someone asks again
                services.reopen(found, people)
            elif found.people != people:
                found.people = people
                found.save(update_fields=["people"])
            return found
        minutes = int((event.end - event.start).total_seconds() // 60)
        place = ", ".join(p for p in (event.location_name, event.address) if p)
        new = Request(
            site=site,
            source=source,
            requester=_requester(event, site),
            language=language,
            starts_at=event.start,
            duration_minutes=min(max(minutes, 15), 480),
            mode=Mode.ON_SITE if place or not event.online_url else Mode.VIDEO,
            place=(place or event.online_url or event.title)[:300],
            topic=Topic.OTHER,
            note=event.title[:500],
            people=people,
        )
        services.create_request(new)
    log.info("interpreting request %s made for event %s (%s)", new.pk, event.pk, language)
    return new
