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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .availability import absence_q, conflict_q, is_available, local_span, window_time_q
from .languages import language_name
from .models import (
    Absence,
    Assignment,
    Availability,
    Mediator,
    MediatorLanguage,
    Offer,
    Request,
)

FAIRNESS_DAYS = 30


@dataclass
class Candidate:
    mediator: Mediator
    key: tuple
    language: MediatorLanguage
    recent: int
    reasons: list[str] = field(default_factory=list)


def candidates_queryset(request: Request):
    """The pool narrowed by the database (see the module's docstring).

    The speakers of the language are one uncorrelated subquery (computed once, not per
    mediator); absences and clashes are checked per speaker on the mediator's indexes. No
    ordering: :func:`rank` sorts."""
    starts_at, ends_at = request.starts_at, request.ends_at
    clashes = Assignment.objects.filter(mediator=OuterRef("pk")).filter(
        conflict_q(starts_at, ends_at, request.mode)
    )
    if request.pk:
        clashes = clashes.exclude(request_id=request.pk)
    absent = Absence.objects.filter(mediator=OuterRef("pk")).filter(absence_q(starts_at, ends_at))
    speakers = MediatorLanguage.objects.filter(language=request.language).values("mediator_id")
    pool = Mediator.objects.filter(
        site_id=request.site_id, active=True, user__is_active=True, pk__in=speakers
    )
    pool = pool.exclude(Exists(absent)).exclude(Exists(clashes))
    if request.pk:
        pool = pool.exclude(Exists(Offer.objects.filter(mediator=OuterRef("pk"), request=request)))
    return pool.order_by()


def _available(request: Request, ids: list[int]) -> list[int]:
    """Those of ``ids`` whose recurring availability covers the appointment (one query)."""
    start, end = local_span(request.starts_at, request.duration_minutes)
    windows: dict[int, list[Availability]] = defaultdict(list)
    hours_fit = Availability.objects.filter(window_time_q(start, end), mediator_id__in=ids)
    for window in hours_fit.order_by("pk"):
        windows[window.mediator_id].append(window)
    return [
        pk for pk in ids if is_available(windows[pk], request.starts_at, request.duration_minutes)
    ]


def _fitting(request: Request) -> list[Mediator]:
    """The mediators who fit, each with its entries for the asked language
    (``matching_languages``). The pool is narrowed on plain values first; only those who fit
    become model instances (a large pool's instances and the cluster's prefetch cost more
    than the ranking itself)."""
    ids = [
        pk
        for pk, topics, modes in candidates_queryset(request).values_list("pk", "topics", "modes")
        if not (topics and request.topic not in topics)
        and not (modes and request.mode not in modes)
    ]
    ids = _available(request, ids)
    languages: dict[int, list[MediatorLanguage]] = defaultdict(list)
    for entry in MediatorLanguage.objects.filter(mediator_id__in=ids, language=request.language):
        languages[entry.mediator_id].append(entry)
    fitting = list(Mediator.objects.filter(pk__in=ids).select_related("user"))
    for mediator in fitting:
        mediator.matching_languages = languages[mediator.pk]
    return fitting


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
    fitting = _fitting(request)
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
