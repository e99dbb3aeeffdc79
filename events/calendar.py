"""The calendar service: the site's own events plus what plugins add, in one list or feed.

Plugins contribute through :data:`events.signals.calendar_entries` (pages, blocks) and
:data:`events.signals.ical_components` (feeds); see events/signals.py for the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Page, Site


@dataclass(frozen=True)
class CalendarEntry:
    """One thing happening at one time, as the calendar pages show it."""

    uid: str
    title: str
    start: datetime
    end: datetime
    url: str
    all_day: bool = False
    location: str = ""
    summary: str = ""
    kind: str = "event"  # "event", "conference", "festival", "meeting", ... (for filters and icons)
    kind_label: str = ""
    cancelled: bool = False
    action_field_ids: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)


FILTER_KEYS = ("action_field", "working_group", "organisation", "language", "kind")


def clean_filters(filters: dict | None) -> dict:
    """Only known keys with usable values; ids as ints (anything else is dropped)."""
    cleaned: dict = {}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS or value in (None, ""):
            continue
        if key in ("action_field", "working_group", "organisation"):
            try:
                cleaned[key] = int(value)
            except (TypeError, ValueError):
                continue
        elif key == "language":
            codes = {code for code, _name in settings.LANGUAGES}
            if value in codes:
                cleaned[key] = value
        elif key == "kind" and value in ("event", "conference", "festival", "meeting"):
            cleaned[key] = value
    return cleaned


def site_events(site: Site, filters: dict | None = None) -> QuerySet:
    """Live events of the site in every language (narrowed by the filters)."""
    from .models import EventPage

    filters = clean_filters(filters)
    roots = Page.objects.filter(translation_key=site.root_page.translation_key).values_list(
        "path", flat=True
    )
    in_site = Q()
    for root_path in roots:
        in_site |= Q(path__startswith=root_path)
    qs = EventPage.objects.live().filter(in_site)
    if "action_field" in filters:
        qs = qs.filter(
            action_fields__translation_key__in=_translation_keys(filters["action_field"])
        )
    if "organisation" in filters:
        qs = qs.filter(organisers__id=filters["organisation"])
    if "working_group" in filters:
        group = Page.objects.filter(pk=filters["working_group"]).first()
        key = group.translation_key if group else None
        qs = qs.filter(working_group__translation_key=key)
    if "language" in filters:
        code = filters["language"]
        qs = qs.filter(
            Q(languages=code)
            | Q(languages__startswith=f"{code},")
            | Q(languages__endswith=f",{code}")
            | Q(languages__contains=f",{code},")
        )
    if filters.get("kind") == "conference":
        qs = qs.filter(conferencepage__isnull=False)
    elif filters.get("kind") == "festival":
        qs = qs.filter(festivalpage__isnull=False)
    elif filters.get("kind") == "event":
        qs = qs.filter(conferencepage__isnull=True, festivalpage__isnull=True)
    elif filters.get("kind") == "meeting":
        qs = qs.none()
    return qs.distinct()


def _translation_keys(action_field_id: int) -> list:
    from networks.models import ActionField

    field_ = ActionField.objects.filter(pk=action_field_id).first()
    return [field_.translation_key] if field_ else []


def _in_language(events: list, language: str) -> list:
    """One page per event: the visitor's language if it exists, else the default language."""
    chosen: dict = {}
    for event in events:
        current = chosen.get(event.translation_key)
        code = event.locale.language_code
        if (
            current is None
            or code == language
            or (current.locale.language_code not in (language,) and code == settings.LANGUAGE_CODE)
        ):
            chosen[event.translation_key] = event
    return sorted(chosen.values(), key=lambda e: (e.start, e.title))


def _entry(event, site: Site) -> CalendarEntry:
    return CalendarEntry(
        uid=event.ical_uid,
        title=event.title,
        start=event.start,
        end=event.end,
        url=event.get_url(current_site=site) or "",
        all_day=event.all_day,
        location=", ".join(p for p in (event.location_name, event.address) if p),
        summary=event.intro,
        kind=_kind(event),
        kind_label=str(_kind_label(event)),
        cancelled=event.cancelled,
        action_field_ids=tuple(f.pk for f in event.action_fields.all()),
        languages=tuple(event.language_list),
        extra={"page": event},
    )


def _kind(event) -> str:
    if hasattr(event, "conferencepage"):
        return "conference"
    if hasattr(event, "festivalpage"):
        return "festival"
    return "event"


def _kind_label(event):
    from django.utils.translation import gettext_lazy as _

    return {"conference": _("Conference"), "festival": _("Encounter festival")}.get(
        _kind(event), _("Event")
    )


def _events_between(site: Site, start: datetime, end: datetime, filters: dict | None) -> list:
    qs = (
        site_events(site, filters)
        .filter(start__lt=end, end__gt=start)
        .select_related("locale", "conferencepage", "festivalpage")
        .prefetch_related("action_fields")
        .order_by("start")
    )
    return _in_language(list(qs), get_language() or settings.LANGUAGE_CODE)


def entries_between(
    site: Site, user, start: datetime, end: datetime, filters=None
) -> list[CalendarEntry]:
    """Everything on the site's calendar that overlaps [start, end), sorted by start."""
    from .signals import calendar_entries

    filters = clean_filters(filters)
    entries = [_entry(e, site) for e in _events_between(site, start, end, filters)]
    added = calendar_entries.collect(site, start=start, end=end, user=user, filters=filters)
    if "kind" in filters:  # receivers need not know the type filter: apply it here
        added = [e for e in added if e.kind == filters["kind"]]
    entries += added
    return sorted(entries, key=lambda e: (e.start, e.title))


def upcoming(site: Site, user, *, limit: int = 5, filters=None) -> list[CalendarEntry]:
    """The next ``limit`` entries (those not over yet), for blocks and dashboards."""
    now = timezone.now()
    entries = entries_between(site, user, now, now + timedelta(days=366), filters)
    return entries[:limit]


def build_feed(site: Site, user, filters=None, *, name: str = "") -> bytes:
    """The iCalendar feed of the site (narrowed by filters), plugins' components included.

    The feed holds events from 90 days back onwards, so changes to recent ones still
    reach subscribers.
    """
    from .ical import event_component, new_calendar, to_bytes
    from .signals import ical_components

    filters = clean_filters(filters)
    since = timezone.now() - timedelta(days=90)
    qs = (
        site_events(site, filters)
        .filter(end__gt=since, locale__language_code=settings.LANGUAGE_CODE)
        .order_by("start")
    )
    calendar = new_calendar(name or site.site_name or "Treffpunkt")
    root_url = site.root_url
    for event in qs:
        calendar.add_component(
            event_component(event, root_url + (event.get_url(current_site=site) or ""))
        )
    if filters.get("kind") in (None, "meeting"):  # plugins' components are not events
        for component in ical_components.collect(site, user=user, filters=filters):
            calendar.add_component(component)
    return to_bytes(calendar)
