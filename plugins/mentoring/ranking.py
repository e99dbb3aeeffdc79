"""Which mentors fit an application, best first, each with its reasons in words.

The coordinator decides; the ranking only sorts and explains. A mentor who cannot take the
match at all (inactive, no free place, no valid police certificate where children take
part) is left out rather than ranked low, so that the list never suggests the impossible.

:func:`rank` is pure (no queries): it takes the mentors with their current ``load`` (running
and proposed matches) so that the benchmark and the tests measure the scoring alone;
:func:`suggestions_for` loads the candidates in two plain queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from treffpunkt.core.localize import language_name

from .models import Application, Match, MentorProfile, Offer, Slot, labels

# Weights: a shared language other than German matters most (the first weeks are easier),
# then what is offered against what is sought, then place and time.
SHARED_LANGUAGE = 4
SHARED_GERMAN_ONLY = 2
PER_OFFER = 3
SAME_AREA = 2
PER_SLOT = 1
FREE_PLACE = 1

LIVE_STATUSES = (Match.Status.PROPOSED, Match.Status.ACTIVE, Match.Status.PAUSED)


@dataclass
class Suggestion:
    mentor: MentorProfile | Candidate
    score: int
    reasons: list[str] = field(default_factory=list)


def certificate_valid_until(issued: dt.date | None) -> dt.date | None:
    """The last day an extended police certificate counts (CERTIFICATE_VALID_YEARS later)."""
    if issued is None:
        return None
    years = apps.get_app_config("mentoring").setting("CERTIFICATE_VALID_YEARS")
    try:
        return issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


def certificate_valid(mentor: MentorProfile, on: dt.date) -> bool:
    until = certificate_valid_until(mentor.police_certificate_date)
    return bool(mentor.works_with_children and until is not None and on <= until)


def needs_certificate(application: Application) -> bool:
    return bool(application.with_children or application.programme.with_children)


@dataclass
class _Fit:
    """What one mentor has in common with the application; worded only when shown."""

    mentor: MentorProfile | Candidate
    score: int
    load: int
    shared: list[str]
    offered: list[str]
    same_area: bool
    slots: list[str]


@lru_cache(maxsize=256)
def _language_name(code: str) -> str:
    return language_name(code)


def _reasons(fit: _Fit, with_children: bool) -> list[str]:
    mentor, reasons = fit.mentor, []
    if fit.shared:
        names = ", ".join(_language_name(code) for code in fit.shared)
        reasons.append(_("Speaks %(languages)s") % {"languages": names})
    if fit.offered:
        reasons.append(_("Offers %(offers)s") % {"offers": labels(Offer, fit.offered)})
    if fit.same_area:
        reasons.append(_("Lives in the same part of town (%(area)s)") % {"area": mentor.area})
    if fit.slots:
        reasons.append(_("Has time: %(slots)s") % {"slots": labels(Slot, fit.slots)})
    if fit.load == 0:
        reasons.append(_("No other match at the moment"))
    else:
        reasons.append(
            _("Already has %(load)d of at most %(max)d matches")
            % {"load": fit.load, "max": mentor.max_matches}
        )
    if with_children:
        until = certificate_valid_until(mentor.police_certificate_date)
        reasons.append(_("Police certificate valid until %(date)s") % {"date": until.isoformat()})
    return reasons


def rank(
    application: Application,
    mentors: Iterable[MentorProfile],
    today: dt.date | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Score every mentor who can take ``application``; best first, ties by name; the
    first ``limit`` (all when None) with their reasons in words.

    Each mentor must carry ``load``: the number of their live (proposed, active, paused)
    matches. Scoring is plain set arithmetic; only the suggestions returned are worded
    (translations and language names cost more than the scoring of thousands of mentors).
    """
    today = today or timezone.localdate()
    with_children = needs_certificate(application)
    years = apps.get_app_config("mentoring").setting("CERTIFICATE_VALID_YEARS")
    wanted_languages = set(application.language_list)
    sought = [value for value in application.seeks if value in Offer.values]
    wanted_slots = [value for value in Slot.values if value in set(application.availability)]
    area = application.area.strip().casefold()
    fits = []
    for mentor in mentors:
        load = getattr(mentor, "load", 0)
        if not mentor.active or load >= mentor.max_matches:
            continue
        if with_children and not _certificate_ok(mentor, today, years):
            continue
        shared = [code for code in mentor.languages.split(",") if code in wanted_languages]
        score = 0
        if shared:
            german_only = all(code == "de" for code in shared)
            score += SHARED_GERMAN_ONLY if german_only else SHARED_LANGUAGE
        offers = mentor.offers
        offered = [value for value in sought if value in offers]
        score += PER_OFFER * len(offered)
        same_area = bool(area) and mentor.area.strip().casefold() == area
        if same_area:
            score += SAME_AREA
        availability = mentor.availability
        slots = [value for value in wanted_slots if value in availability]
        score += PER_SLOT * len(slots)
        if load == 0:
            score += FREE_PLACE
        fits.append(_Fit(mentor, score, load, shared, offered, same_area, slots))
    fits.sort(key=lambda fit: (-fit.score, fit.mentor.name))
    if limit is not None:
        fits = fits[:limit]
    return [Suggestion(fit.mentor, fit.score, _reasons(fit, with_children)) for fit in fits]


def _certificate_ok(mentor: MentorProfile, today: dt.date, years: int) -> bool:
    issued = mentor.police_certificate_date
    if not mentor.works_with_children or issued is None:
        return False
    try:
        until = issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        until = issued.replace(year=issued.year + years, day=28)
    return today <= until


@dataclass(slots=True)
class Candidate:
    """A mentor as the ranking reads it: the fields it scores, without a model instance
    (building 2,000 of those cost more than ranking them)."""

    pk: int
    name: str
    languages: str
    offers: list
    area: str
    availability: list
    max_matches: int
    works_with_children: bool
    police_certificate_date: dt.date | None
    active: bool
    load: int = 0


RANKED_FIELDS = (
    "pk",
    "name",
    "languages",
    "offers",
    "area",
    "availability",
    "max_matches",
    "works_with_children",
    "police_certificate_date",
    "active",
)


def candidates(application: Application) -> list[Candidate]:
    """The programme's active mentors, each with its live ``load``: two plain queries (the
    mentors' ranked fields, and one count per mentor with live matches), cheaper than one
    grouped join over every mentor."""
    loads = dict(
        Match.objects.filter(programme_id=application.programme_id, status__in=LIVE_STATUSES)
        .values("mentor_id")
        .annotate(count=Count("pk"))
        .values_list("mentor_id", "count")
    )
    rows = MentorProfile.objects.filter(
        programme_id=application.programme_id, active=True
    ).values_list(*RANKED_FIELDS)
    return [Candidate(*row, load=loads.get(row[0], 0)) for row in rows]


def suggestions_for(application: Application, limit: int = 10) -> list[Suggestion]:
    return rank(application, candidates(application), limit=limit)
