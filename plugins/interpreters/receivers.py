"""The pool's answers to the core's extension points: the dashboard panel, the committee
report's section, and a person's own data for their download. (A deleted account takes
its mediator profiles along and leaves its requests without a requester: the foreign keys
do that.)"""

from __future__ import annotations

import recurrence
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.core.localize import format_number, month_name
from treffpunkt.signals import personal_data_export

from . import access
from .languages import language_name
from .models import Assignment, Mediator, Offer, Request, Topic
from .numbers import numbers


def pool_panel(sender, request, **kwargs) -> DashboardPanel | None:
    """Declared in ``InterpretersConfig.dashboard_panels``: a mediator's open offers and
    next assignments, a requester's open requests, the coordinators' requests waiting."""
    user, site = request.user, sender
    now = timezone.now()
    context: dict = {}
    mediator = access.mediator_of(user, site)
    if mediator is not None:
        context["offers"] = list(
            Offer.objects.filter(
                mediator=mediator,
                status=Offer.Status.SENT,
                request__status__in=[Request.Status.OPEN, Request.Status.ESCALATED],
                request__starts_at__gt=now,
            ).select_related("request")[:5]
        )
        context["next_assignments"] = list(
            Assignment.objects.filter(mediator=mediator, starts_at__gte=now)
            .select_related("request")
            .order_by("starts_at")[:5]
        )
    if access.can_request(user, site):
        context["my_requests"] = list(
            Request.objects.filter(
                site=site,
                requester=user,
                starts_at__gte=now,
                status__in=[Request.Status.OPEN, Request.Status.ESCALATED, Request.Status.ASSIGNED],
            ).order_by("starts_at")[:5]
        )
        context["can_request"] = True
    if access.is_coordinator(user, site):
        context["waiting"] = Request.objects.filter(
            site=site,
            status__in=[Request.Status.OPEN, Request.Status.ESCALATED],
            starts_at__gte=now,
        ).count()
        context["escalated"] = Request.objects.filter(
            site=site, status=Request.Status.ESCALATED, starts_at__gte=now
        ).count()
    if mediator is None and not context.get("can_request"):
        return None
    return DashboardPanel(
        title=_("Interpreter pool"),
        template="interpreters/dashboard_panel.html",
        context=context,
        order=50,
    )


def pool_report_section(sender, start, end, action_field=None, **kwargs):
    """Declared in ``InterpretersConfig.report_sections``: under "Other" (the pool serves
    every field of action): requests per language and topic, share matched, median time to
    match, hours per month."""
    from treffpunkt.reports import ReportRow, ReportSection

    if action_field is not None:
        return None
    figures = numbers(sender, start, end)
    if not figures.requests:
        return None
    rows = [
        ReportRow(
            title=_("Requests"),
            detail=_("%(requests)s requests, %(matched)s of them matched (%(share)s %%)")
            % {
                "requests": format_number(figures.requests),
                "matched": format_number(figures.matched),
                "share": format_number(round(figures.share_matched * 100)),
            },
        )
    ]
    if figures.median_minutes_to_match is not None:
        minutes = round(figures.median_minutes_to_match)
        rows.append(
            ReportRow(
                title=_("Median time to match"),
                detail=ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes)
                % {"minutes": format_number(minutes)},
            )
        )
    for code, count in figures.by_language.most_common():
        rows.append(
            ReportRow(
                title=language_name(code),
                detail=_("%(requests)s requests, %(matched)s matched")
                % {
                    "requests": format_number(count),
                    "matched": format_number(figures.matched_by_language[code]),
                },
            )
        )
    topics = dict(Topic.choices)
    for topic, count in figures.by_topic.most_common():
        rows.append(
            ReportRow(
                title=str(topics.get(topic, topic)),
                detail=ngettext("%(count)s request", "%(count)s requests", count)
                % {"count": format_number(count)},
            )
        )
    for month, hours in figures.hours_by_month:
        rows.append(
            ReportRow(
                title=f"{month_name(month.month)} {month.year}",
                detail=_("%(hours)s hours interpreted") % {"hours": format_number(round(hours, 1))},
            )
        )
    return ReportSection(_("Interpreter pool"), rows, order=70)


def _mediator_data(mediator: Mediator) -> dict:
    assignments = mediator.assignments.select_related("request").order_by("starts_at")
    return {
        "town": mediator.site.site_name or mediator.site.hostname,
        "gender": mediator.gender,
        "languages": [
            {"language": entry.language, "dialect": entry.dialect, "level": entry.level}
            for entry in mediator.languages.all()
        ],
        "topics": mediator.topics,
        "ways": mediator.modes,
        "assignments_wished_per_month": mediator.monthly_wish,
        "active": mediator.active,
        "paid": mediator.paid,
        "in_directory": mediator.in_directory,
        "notes_of_the_coordinators": mediator.notes,
        "availability": [
            {
                "from": window.starts_on,
                "days": recurrence.serialize(window.recurrence),
                "start_time": window.start_time,
                "end_time": window.end_time,
            }
            for window in mediator.availabilities.all()
        ],
        "absences": [
            {"first_day": absence.first_day, "last_day": absence.last_day}
            for absence in mediator.absences.all()
        ],
        "offers": [
            {
                "date": offer.request.starts_at,
                "language": offer.request.language,
                "status": offer.status,
                "sent_at": offer.sent_at,
                "answered_at": offer.answered_at,
            }
            for offer in mediator.offers.select_related("request").order_by("request__starts_at")
        ],
        "assignments": [
            {
                "start": row.starts_at,
                "end": row.ends_at,
                "language": row.request.language,
                "topic": row.request.topic,
                "minutes_reported": row.mediator_minutes,
                "travel_km": row.travel_km,
                "minutes_confirmed": row.confirmed_minutes,
            }
            for row in assignments
        ],
    }


@receiver(personal_data_export, dispatch_uid="interpreters_export_person")
def export_person(sender, user, emails=frozenset(), **kwargs):
    """The person's mediator profiles (languages, availability, offers, assignments with
    their hours) and the requests they made, in every town; never an offer's token."""
    mediators = Mediator.objects.filter(user_id=user.pk).select_related("site")
    requests = Request.objects.filter(requester_id=user.pk).select_related("site")
    if not mediators.exists() and not requests.exists():
        return None
    return {
        "section": "interpreters",
        "data": {
            "mediator_profiles": [_mediator_data(mediator) for mediator in mediators],
            "requests": [
                {
                    "town": req.site.site_name or req.site.hostname,
                    "organisation": req.organisation,
                    "language": req.language,
                    "dialect": req.dialect,
                    "date": req.starts_at,
                    "duration_minutes": req.duration_minutes,
                    "way": req.mode,
                    "place": req.place,
                    "topic": req.topic,
                    "preferred_gender": req.preferred_gender,
                    "note": req.note,
                    "status": req.status,
                    "created_at": req.created_at,
                }
                for req in requests.order_by("starts_at")
            ],
        },
    }
