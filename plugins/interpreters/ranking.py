"""Who fits a request best: the candidates, in order, each with its reasons in words.

The database narrows the pool (same town, active, speaks the language, not absent that
day, no clashing assignment within the travel buffer, not asked for this request before);
Python then checks the recurring availability windows, the topics and ways a mediator
accepts, and sorts. The order, most important first:

1. dialect: the same dialect as asked before the plain language (when one is asked);
2. preferred gender, where the requester named one;
3. fairness: people below their monthly wish (assignments in the 30 days up to the
   appointment) before those who reached it, and among them the least busy first;
4. a topic the person named explicitly before "every topic";
5. level (native speakers first);
6. then the longest-standing member of the pool, so the order is stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .availability import absence_q, conflict_q, is_available
from .languages import language_name
from .models import Absence, Assignment, Mediator, MediatorLanguage, Offer, Request

FAIRNESS_DAYS = 30


@dataclass
class Candidate:
    mediator: Mediator
    key: tuple
    language: MediatorLanguage
    recent: int
    reasons: list[str] = field(default_factory=list)


def candidates_queryset(request: Request):
    """The pool narrowed by the database (see the module's docstring)."""
    starts_at, ends_at = request.starts_at, request.ends_at
    clashes = Assignment.objects.filter(mediator=OuterRef("pk")).filter(
        conflict_q(starts_at, ends_at, request.mode)
    )
    if request.pk:
        clashes = clashes.exclude(request_id=request.pk)
    absent = Absence.objects.filter(mediator=OuterRef("pk")).filter(absence_q(starts_at, ends_at))
    speaks = MediatorLanguage.objects.filter(mediator=OuterRef("pk"), language=request.language)
    pool = Mediator.objects.filter(site_id=request.site_id, active=True, user__is_active=True)
    pool = pool.filter(Exists(speaks)).exclude(Exists(absent)).exclude(Exists(clashes))
    if request.pk:
        pool = pool.exclude(Exists(Offer.objects.filter(mediator=OuterRef("pk"), request=request)))
    return pool.select_related("user").prefetch_related(
        Prefetch(
            "languages",
            queryset=MediatorLanguage.objects.filter(language=request.language),
            to_attr="matching_languages",
        ),
        "availabilities",
    )


def _best_language(request: Request, mediator: Mediator) -> tuple[int, MediatorLanguage]:
    wanted = request.dialect.strip().casefold()
    best = None
    for entry in mediator.matching_languages:
        dialect = 1 if not wanted else (2 if entry.dialect.strip().casefold() == wanted else 0)
        key = (dialect, entry.level)
        if best is None or key > best[0]:
            best = (key, entry)
    return best[0][0], best[1]


def rank(request: Request, limit: int | None = None) -> list[Candidate]:
    """The fitting mediators for ``request``, best first."""
    fitting = []
    for mediator in candidates_queryset(request):
        if mediator.topics and request.topic not in mediator.topics:
            continue
        if mediator.modes and request.mode not in mediator.modes:
            continue
        if not is_available(
            mediator.availabilities.all(), request.starts_at, request.duration_minutes
        ):
            continue
        fitting.append(mediator)
    # fairness: assignments in the 30 days before, counted for the fitting ones only (one
    # grouped query on the (mediator, starts_at) index rather than a join over the pool)
    since = request.starts_at - dt.timedelta(days=FAIRNESS_DAYS)
    recent = dict(
        Assignment.objects.filter(
            mediator_id__in=[mediator.pk for mediator in fitting],
            starts_at__gte=since,
            starts_at__lt=request.starts_at,
        )
        .values_list("mediator_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    found = []
    for mediator in fitting:
        mediator.recent = recent.get(mediator.pk, 0)
        dialect, entry = _best_language(request, mediator)
        gender = (
            1 if not request.preferred_gender or mediator.gender == request.preferred_gender else 0
        )
        wish = max(mediator.monthly_wish, 1)
        key = (
            dialect,
            gender,
            1 if mediator.recent < wish else 0,
            -mediator.recent / wish,
            1 if mediator.topics else 0,
            entry.level,
            -mediator.pk,
        )
        found.append(Candidate(mediator, key, entry, mediator.recent))
    found.sort(key=lambda candidate: candidate.key, reverse=True)
    return found[:limit] if limit is not None else found


def reasons(request: Request, candidate: Candidate) -> list[str]:
    """Why a candidate is on the list, in the reader's language (for coordinators)."""
    entry = candidate.language
    name = language_name(entry.language)
    spoken = f"{name} ({entry.dialect})" if entry.dialect else name
    lines = [
        _("speaks %(language)s: %(level)s")
        % {"language": spoken, "level": entry.get_level_display()},
        _("free at that time"),
        ngettext(
            "%(count)s of %(wish)s wished assignment in the 30 days before",
            "%(count)s of %(wish)s wished assignments in the 30 days before",
            candidate.mediator.monthly_wish,
        )
        % {"count": candidate.recent, "wish": candidate.mediator.monthly_wish},
    ]
    if request.dialect and candidate.key[0] == 0:
        lines.append(_("not the dialect asked for"))
    if request.preferred_gender and candidate.key[1] == 0:
        lines.append(_("not the preferred gender"))
    return lines
