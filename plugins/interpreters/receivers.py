"""The pool's answers to the core's extension points: the dashboard panel, the committee
report's section, and the person signals (a deleted account's data)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.core.localize import format_number, month_name

from . import access
from .languages import language_name
from .models import Assignment, Offer, Request, Topic
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
