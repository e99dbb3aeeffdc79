"""The committee report's events: what was held in the period, how many signed up and came.

Answers :data:`treffpunkt.signals.report_sections`: per action field the events held
(registrations, people checked in, languages offered), and once for the whole site an
overview with the totals and a chart of attendance per month.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from wagtail.models import Locale

from treffpunkt.core.languages import split_languages
from treffpunkt.reports import ReportChart, ReportRow, ReportSection
from treffpunkt.signals import report_sections

from .models import EventPage, Registration
from .registrations import ATTENDEE_KINDS

S = Registration.Status


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    after = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return first, min(after, timezone.now())


def events_held(site, start: dt.date, end: dt.date):
    """Events of the site (in the default language) that began in the period, before now."""
    first, until = _bounds(start, end)
    attendee = Q(registrations__kind__in=ATTENDEE_KINDS)
    signed_up = attendee & Q(registrations__status=S.CONFIRMED)
    came = attendee & Q(registrations__attended_at__isnull=False)
    zero = Value(0, output_field=IntegerField())
    return (
        EventPage.objects.live()
        .in_site(site)
        .filter(locale=Locale.get_default(), start__gte=first, start__lt=until)
        .annotate(
            signed_up=Count("registrations", filter=signed_up),
            people=Coalesce(Sum("registrations__party_size", filter=signed_up), zero),
            attended=Coalesce(Sum("registrations__party_size", filter=came), zero),
        )
        .order_by("start", "pk")
    )


def language_names(value: str) -> str:
    names = []
    for code in split_languages(value):
        try:
            names.append(str(get_language_info(code)["name_translated"]))
        except KeyError:
            names.append(code)
    return ", ".join(names)


def _row(event) -> ReportRow:
    parts = [
        ngettext("%(count)d registration", "%(count)d registrations", event.signed_up)
        % {"count": event.signed_up},
        ngettext("%(count)d person signed up", "%(count)d people signed up", event.people)
        % {"count": event.people},
        ngettext("%(count)d checked in", "%(count)d checked in", event.attended)
        % {"count": event.attended},
    ]
    if event.languages:
        parts.append(_("in %(languages)s") % {"languages": language_names(event.languages)})
    return ReportRow(
        title=event.title,
        date=timezone.localdate(event.start),
        detail=" · ".join(parts),
        url=event.full_url or "",
    )


def attendance_chart(events: list, start: dt.date, end: dt.date) -> ReportChart:
    """People checked in per month of the period (months without events show 0)."""
    per_month: dict[tuple[int, int], int] = {}
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        per_month[(year, month)] = 0
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for event in events:
        day = timezone.localdate(event.start)
        key = (day.year, day.month)
        if key in per_month:
            per_month[key] += event.attended
    bars = [
        (date_format(dt.date(y, m, 1), "M y" if start.year != end.year else "M"), n)
        for (y, m), n in per_month.items()
    ]
    description = _("People checked in per month: %(values)s") % {
        "values": ", ".join(f"{label} {n}" for label, n in bars)
    }
    return ReportChart(bars=bars, description=description)


def _overview(events: list, start: dt.date, end: dt.date) -> ReportSection:
    held = len(events)
    people = sum(e.people for e in events)
    attended = sum(e.attended for e in events)
    languages = sorted({code for e in events for code in split_languages(e.languages)})
    rows = [
        ReportRow(
            title=ngettext("%(count)d event held", "%(count)d events held", held) % {"count": held},
            detail=" · ".join(
                [
                    ngettext("%(count)d person signed up", "%(count)d people signed up", people)
                    % {"count": people},
                    ngettext("%(count)d checked in", "%(count)d checked in", attended)
                    % {"count": attended},
                ]
            ),
        )
    ]
    if languages:
        rows.append(
            ReportRow(title=_("Languages offered"), detail=language_names(",".join(languages)))
        )
    return ReportSection(
        _("Events and attendance"),
        rows,
        order=0,
        chart=attendance_chart(events, start, end) if held else None,
        overview=True,
    )


@receiver(report_sections, dispatch_uid="events_report_sections")
def events_report_sections(sender, start, end, action_field=None, **kwargs):
    """Events count towards each of their action fields; those of none towards "Other"."""
    events = events_held(sender, start, end)
    if action_field is None:
        everything = list(events)
        unfiled = set(
            EventPage.objects.filter(
                pk__in=[e.pk for e in everything], action_fields__isnull=True
            ).values_list("pk", flat=True)
        )
        own = [e for e in everything if e.pk in unfiled]
        sections = [_overview(everything, start, end)]
    else:
        filed = EventPage.objects.filter(action_fields=action_field).values("pk")
        own = list(events.filter(pk__in=filed))
        sections = []
    if own:
        sections.append(ReportSection(_("Events held"), [_row(e) for e in own], order=25))
    return sections
