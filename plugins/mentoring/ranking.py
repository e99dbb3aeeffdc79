"""Which mentors fit an application, best first, each with its reasons in words.

The coordinator decides; the ranking only sorts and explains. A mentor who cannot take the
match at all (inactive, no free place, no valid police certificate where children take
part) is left out rather than ranked low, so that the list never suggests the impossible.

:func:`rank` is pure (no queries): it takes the mentors with their current ``load`` (running
and proposed matches) so that the benchmark and the tests measure the scoring alone;
:func:`suggestions_for` loads the candidates in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
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
    mentor: MentorProfile
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


def rank(
    application: Application,
    mentors: Iterable[MentorProfile],
    today: dt.date | None = None,
) -> list[Suggestion]:
    """Score every mentor who can take ``application``; best first, ties by name.

    Each mentor must carry ``load``: the number of their live (proposed, active, paused)
    matches.
    """
    today = today or timezone.localdate()
    with_children = needs_certificate(application)
    wanted_languages = set(application.language_list)
    sought = [value for value in application.seeks if value in Offer.values]
    wanted_slots = set(application.availability)
    area = application.area.strip().casefold()
    suggestions = []
    for mentor in mentors:
        load = getattr(mentor, "load", 0)
        if not mentor.active or load >= mentor.max_matches:
            continue
        if with_children and not certificate_valid(mentor, today):
            continue
        score, reasons = 0, []
        shared = [code for code in mentor.language_list if code in wanted_languages]
        if any(code != "de" for code in shared):
            score += SHARED_LANGUAGE
        elif shared:
            score += SHARED_GERMAN_ONLY
        if shared:
            names = ", ".join(language_name(code) for code in shared)
            reasons.append(_("Speaks %(languages)s") % {"languages": names})
        offered = [value for value in sought if value in mentor.offers]
        if offered:
            score += PER_OFFER * len(offered)
            reasons.append(_("Offers %(offers)s") % {"offers": labels(Offer, offered)})
        if area and mentor.area.strip().casefold() == area:
            score += SAME_AREA
            reasons.append(_("Lives in the same part of town (%(area)s)") % {"area": mentor.area})
        slots = [
            value for value in Slot.values if value in wanted_slots and value in mentor.availability
        ]
        if slots:
            score += PER_SLOT * len(slots)
            reasons.append(_("Has time: %(slots)s") % {"slots": labels(Slot, slots)})
        if load == 0:
            score += FREE_PLACE
            reasons.append(_("No other match at the moment"))
        else:
            reasons.append(
                _("Already has %(load)d of at most %(max)d matches")
                % {"load": load, "max": mentor.max_matches}
            )
        if with_children:
            reasons.append(
                _("Police certificate valid until %(date)s")
                % {"date": certificate_valid_until(mentor.police_certificate_date).isoformat()}
            )
        suggestions.append(Suggestion(mentor, score, reasons))
    suggestions.sort(key=lambda suggestion: (-suggestion.score, suggestion.mentor.name))
    return suggestions


def candidates(application: Application):
    """The programme's active mentors with their live load, in one query."""
    return (
        MentorProfile.objects.filter(programme_id=application.programme_id, active=True)
        .annotate(load=Count("matches", filter=Q(matches__status__in=LIVE_STATUSES)))
        .order_by("name")
    )


def suggestions_for(application: Application, limit: int = 10) -> list[Suggestion]:
    return rank(application, candidates(application))[:limit]
