"""What the meetings plugin contributes to the core's extension points.

These receivers live in the plugin, so the core's site signals call them only on sites where
the plugin is on: switching it off removes meeting dates from calendars, feeds and dashboards.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.calendar import CalendarEntry
from treffpunkt.calendar.signals import calendar_entries, ical_components, ical_version
from treffpunkt.signals import account_deleted, personal_data_export

from . import access, ical, schedule, services
from .models import (
    AgendaItem,
    Delivery,
    FeedToken,
    MeetingSeriesPage,
    NotificationOptOut,
    Occurrence,
    Rsvp,
    Task,
    Visibility,
)

KEY_SLOT = "0000-00-00"  # stands for a date's key in a URL reversed once per series


def _filtered(series, filters: dict | None):
    """Honour the calendar's filters; None when one is set that meetings cannot answer."""
    filters = filters or {}
    if filters.get("organisation") or filters.get("language"):
        return None
    if filters.get("kind", "meeting") != "meeting":  # another app's kind
        return None
    if filters.get("working_group"):
        series = series.filter(working_group_id=filters["working_group"])
    if filters.get("action_field"):
        series = series.filter(working_group__action_field_id=filters["action_field"])
    return series


@receiver(calendar_entries)
def meeting_entries(sender, start, end, user, filters=None, **kwargs) -> list[CalendarEntry]:
    series = _filtered(access.visible_series(sender, user), filters)
    if series is None:
        return []
    entries = []
    label = _("Meeting")
    # A year of 200 weekly series is some 10,000 dates: the URL and UID are made once per
    # series and the date's key (an ISO date, nothing to quote) put in.
    per_series: dict[int, tuple[str, str]] = {}
    for info in schedule.expand_many(list(series), start, end, kept=True):
        s = info.series
        if s.pk not in per_series:
            per_series[s.pk] = (
                reverse("plugins:meetings:date", args=[s.pk, KEY_SLOT]),
                s.ical_uid(sender.hostname),
            )
        url, uid = per_series[s.pk]
        entries.append(
            CalendarEntry(
                uid=f"{uid}-{info.key}",
                title=s.title,
                start=info.start,
                end=info.end,
                url=url.replace(KEY_SLOT, info.key),
                location=info.location,
                summary=info.row.note if info.row is not None else "",
                kind="meeting",
                kind_label=label,
                cancelled=info.cancelled,
                action_field_ids=(
                    (s.working_group.action_field_id,)
                    if s.working_group is not None and s.working_group.action_field_id
                    else ()
                ),
                extra={"visibility": s.visibility, "moved": info.moved},
            )
        )
    return entries


def _feed_series(site, user, filters):
    """The series of a feed (public feeds: public series only) and, for a person's feed,
    those they take part in (they get the online link); None when a filter excludes all."""
    series = access.visible_series(site, user)
    if user is None:
        series = series.filter(visibility=Visibility.PUBLIC)
    series = _filtered(series, filters)
    if series is None:
        return None, None
    taking_part = access.participating_series(site, user) if user is not None else None
    return series, taking_part


@receiver(ical_components)
def meeting_components(sender, user=None, filters=None, **kwargs) -> list:
    """Public feeds (``user`` None) get public series only; a person's feed what they see."""
    series, taking_part = _feed_series(sender, user, filters)
    if series is None:
        return []
    online = set(taking_part.values_list("pk", flat=True)) if taking_part is not None else set()
    # in the feed's language (the calendar activates it): each series' translation's title
    language = get_language()
    return ical.components_for(
        list(series),
        base_url=sender.root_url,
        online_ids=online,
        language=language if language != settings.LANGUAGE_CODE else None,
    )


@receiver(ical_version)
def meeting_version(sender, user=None, filters=None, **kwargs) -> tuple:
    """What ``meeting_components`` answers is made of (see :func:`ical.feed_version`)."""
    series, taking_part = _feed_series(sender, user, filters)
    if series is None:
        return ()
    return ical.feed_version(series, taking_part)


def meetings_panel(sender, request, **kwargs) -> DashboardPanel | None:
    user = request.user
    series = list(access.participating_series(sender, user))
    tasks = list(services.open_tasks(user, sender)[:10])
    if not series and not tasks:
        return None
    now = timezone.now()
    upcoming = schedule.expand_many(series, now, now + dt.timedelta(days=60), kept=True)[:5]
    return DashboardPanel(
        title=_("My meetings and tasks"),
        template="meetings/dashboard_panel.html",
        context={"upcoming": upcoming, "tasks": tasks},
        order=20,
    )


# --- the core's person signals: they reach this plugin on every site, also where it is off
# (see treffpunkt.signals), so what it stored while it was on is not forgotten.


@receiver(account_deleted, dispatch_uid="meetings_forget_person")
def forget_person(sender, user, **kwargs) -> None:
    """Answers, feed token, mail settings and the record of mails sent go; the person leaves
    the attendance lists; agenda items and tasks stay in the minutes without a name."""
    Rsvp.objects.filter(user_id=user.pk).delete()
    FeedToken.objects.filter(user_id=user.pk).delete()
    NotificationOptOut.objects.filter(user_id=user.pk).delete()
    Delivery.objects.filter(user_id=user.pk).delete()
    Occurrence.attendees.through.objects.filter(user_id=user.pk).delete()
    AgendaItem.objects.filter(author_id=user.pk).update(author=None)
    Task.objects.filter(owner_id=user.pk).update(owner=None)


def _date_label(occurrence) -> dict:
    return {
        "series": occurrence.series.title,
        "date": timezone.localtime(occurrence.original_start).date(),
    }


@receiver(personal_data_export, dispatch_uid="meetings_export_person")
def export_person(sender, user, **kwargs) -> dict | None:
    rsvps = [
        {**_date_label(r.occurrence), "answer": r.answer, "answered_at": r.updated_at}
        for r in Rsvp.objects.filter(user_id=user.pk).select_related("occurrence__series")
    ]
    attended = [
        _date_label(o)
        for o in Occurrence.objects.filter(attendees__pk=user.pk).select_related("series")
    ]
    agenda = [
        {
            **_date_label(a.occurrence),
            "topic": a.title,
            "details": a.description,
            "added_at": a.created_at,
        }
        for a in AgendaItem.objects.filter(author_id=user.pk).select_related("occurrence__series")
    ]
    tasks = [
        {
            **_date_label(t.occurrence),
            "task": t.title,
            "due": t.due_date,
            "done": t.done,
            "done_at": t.done_at,
        }
        for t in Task.objects.filter(owner_id=user.pk).select_related("occurrence__series")
    ]
    opt_outs = sorted(
        NotificationOptOut.objects.filter(user_id=user.pk).values_list("kind", flat=True)
    )
    mails = [
        {"kind": d.kind, "sent_at": d.sent_at}
        for d in Delivery.objects.filter(user_id=user.pk).order_by("sent_at")
    ]
    # Whether a personal feed exists and since when; the token itself is a secret.
    token = FeedToken.objects.filter(user_id=user.pk).first()
    feed = {"personal_feed_since": token.created_at} if token else None
    if not (rsvps or attended or agenda or tasks or opt_outs or mails or feed):
        return None
    return {
        "section": "meetings",
        "data": {
            "answers": rsvps,
            "attended": attended,
            "agenda_items": agenda,
            "tasks": tasks,
            "mails_turned_off": opt_outs,
            "mails_sent": mails,
            "personal_feed": feed,
        },
    }


def meetings_report_section(sender, start, end, action_field=None, **kwargs):
    """The committee report's "Meetings" section: per series, dates held and minutes.

    Declared in ``MeetingsConfig.report_sections``. Series count towards the action field
    of their working group; series of no group (or a group of no field) towards "Other".
    """
    from treffpunkt.reports import ReportRow, ReportSection

    series = MeetingSeriesPage.objects.live().in_site(sender).select_related("working_group")
    if action_field is None:
        series = series.filter(working_group__action_field__isnull=True)
    else:
        series = series.filter(working_group__action_field=action_field)
    period_start = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    period_end = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    held: dict[int, list] = {}
    for info in schedule.expand_many(list(series), period_start, period_end):
        if not info.cancelled and info.start < timezone.now():
            held.setdefault(info.series.pk, []).append(info)
    rows = []
    for dates in held.values():
        minutes = sum(
            1 for d in dates if d.row is not None and d.row.minutes_published_at is not None
        )
        rows.append(
            ReportRow(
                title=dates[0].series.title,
                date=dates[-1].local_start.date(),
                detail=_("%(held)d dates held, minutes for %(minutes)d")
                % {"held": len(dates), "minutes": minutes},
                url=dates[0].series.full_url or "",
            )
        )
    if not rows:
        return None
    return ReportSection(_("Meetings"), sorted(rows, key=lambda r: r.title), order=30)
