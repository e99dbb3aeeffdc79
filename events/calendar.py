"""What events/ puts into the core's calendar: its pages as entries and as VEVENTs.

The calendar itself (aggregation, feed, block) is the core service :mod:`treffpunkt.calendar`;
events/ answers its signals like any plugin does and declares its kinds in ``apps.py``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.dispatch import receiver
from django.utils.translation import get_language
from wagtail.models import Page, Site

from treffpunkt.calendar import CalendarEntry, clean_filters, declared_kinds
from treffpunkt.calendar.signals import (
    calendar_entries,
    calendar_page,
    ical_components,
    ical_version,
)
from treffpunkt.core.languages import has_language

#: the kinds of entries events/ contributes (declared in EventsConfig.calendar_kinds)
EVENT_KINDS = ("event", "conference", "festival")


def site_events(site: Site, filters: dict | None = None, user=None) -> QuerySet:
    """Live events of the site in every language (narrowed by the filters) that ``user`` may
    see: pages under a Wagtail view restriction only for people who pass it, never for
    ``None`` (public feeds, mails); see :mod:`treffpunkt.core.restrictions`."""
    from treffpunkt.core.restrictions import visible_to

    from .models import EventPage

    filters = clean_filters(filters)
    roots = _root_paths(site)
    in_site = Q()
    for root_path in roots:
        in_site |= Q(path__startswith=root_path)
    qs = visible_to(EventPage.objects.live().filter(in_site), user)
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
        qs = qs.filter(has_language(filters["language"]))
    if filters.get("kind") == "conference":
        qs = qs.filter(conferencepage__isnull=False)
    elif filters.get("kind") == "festival":
        qs = qs.filter(festivalpage__isnull=False)
    elif filters.get("kind") == "event":
        qs = qs.filter(conferencepage__isnull=True, festivalpage__isnull=True)
    elif "kind" in filters:  # another app's kind
        qs = qs.none()
    return qs.distinct()


def _root_paths(site: Site) -> list[str]:
    """Tree paths of the site's home page in every language: kept with the chrome (which
    every page published, moved or deleted renews)."""
    from treffpunkt.core import chrome

    return chrome.cached(
        "root-paths",
        site,
        "",
        lambda: list(
            Page.objects.filter(translation_key=site.root_page.translation_key).values_list(
                "path", flat=True
            )
        ),
    )


def _translation_keys(action_field_id: int) -> list:
    from networks.models import ActionField

    field_ = ActionField.objects.filter(pk=action_field_id).first()
    return [field_.translation_key] if field_ else []


def _in_language(events: list, language: str) -> list:
    """One page per event: the visitor's language if it exists, else the default language."""
    chosen = _choose(((e.translation_key, e.locale.language_code, e) for e in events), language)
    return sorted(chosen, key=lambda e: (e.start, e.title))


def _choose(versions, language: str) -> list:
    """Of ``(translation_key, language_code, item)``, one item per key: the one in
    ``language`` if there is one, else the default language's, else the first."""
    chosen: dict = {}
    for key, code, item in versions:
        current = chosen.get(key)
        if (
            current is None
            or code == language
            or (current[0] != language and code == settings.LANGUAGE_CODE)
        ):
            chosen[key] = (code, item)
    return [item for _code, item in chosen.values()]


def _entry(event, site: Site) -> CalendarEntry:
    kind = _kind(event)
    return CalendarEntry(
        uid=event.ical_uid(site.hostname),
        title=event.title,
        start=event.start,
        end=event.end,
        url=event.get_url(current_site=site) or "",
        all_day=event.all_day,
        location=", ".join(p for p in (event.location_name, event.address) if p),
        summary=event.intro,
        kind=kind,
        kind_label=str(_kind_labels().get(kind, kind)),
        cancelled=event.cancelled,
        action_field_ids=tuple(f.pk for f in event.action_fields.all()),
        languages=tuple(event.language_list),
        extra={"page": event},
    )


def _kind(event) -> str:
    """The page type's own kind (``EventPage.kind``), known without loading the subtype."""
    return getattr(event.specific_class, "kind", "event")


def _kind_labels() -> dict:
    return {kind.key: kind.label for kind in declared_kinds()}


def _events_between(
    site: Site, start: datetime, end: datetime, filters: dict | None, user=None
) -> list:
    from .models import EventPage

    # Which page of each event to show is chosen from three columns of every language's
    # rows; only the chosen pages are loaded whole (each event has a page per language: a
    # month of five events loaded thirty pages, their subtypes and action fields).
    versions = (
        site_events(site, filters, user)
        .filter(start__lt=end, end__gt=start)
        .values_list("translation_key", "locale__language_code", "pk")
    )
    chosen = _choose(versions, get_language() or settings.LANGUAGE_CODE)
    if not chosen:
        return []
    qs = (
        EventPage.objects.filter(pk__in=chosen)
        .select_related("locale", "conferencepage", "festivalpage")
        .prefetch_related("action_fields")
    )
    return sorted(qs, key=lambda e: (e.start, e.title))


@receiver(calendar_entries)
def event_entries(sender, start, end, user, filters=None, **kwargs) -> list[CalendarEntry]:
    """The site's event pages overlapping [start, end), in the visitor's language."""
    filters = clean_filters(filters)
    if filters.get("kind", "event") not in EVENT_KINDS:
        return []
    return [_entry(e, sender) for e in _events_between(sender, start, end, filters, user)]


@receiver(ical_components)
def event_components(sender, user=None, filters=None, **kwargs) -> list:
    """One VEVENT per event of the site in the active language (an event's translation where
    it has one), from ``CALENDAR_FEED_PAST_DAYS`` back onwards: subscribed calendars keep
    their history, and changes still reach them.
    """
    from treffpunkt.calendar.feeds import feed_since
    from treffpunkt.links import absolute_url

    from .ical import event_component

    filters = clean_filters(filters)
    if filters.get("kind", "event") not in EVENT_KINDS:
        return []
    language = get_language() or settings.LANGUAGE_CODE
    qs = site_events(sender, filters, user).filter(end__gt=feed_since()).order_by("start")
    if language == settings.LANGUAGE_CODE:
        events = list(qs.filter(locale__language_code=settings.LANGUAGE_CODE))
    else:  # the feed's language where the event is translated, else the default language
        events = _in_language(list(qs.select_related("locale")), language)
    return [event_component(e, absolute_url(sender, e), sender.hostname) for e in events]


@receiver(ical_version)
def event_version(sender, user=None, filters=None, **kwargs) -> tuple:
    """What ``event_components`` answers is made of: which events (in every language) and
    when the latest of them was published; one aggregate query. Publishing, moving or
    restricting a page the calendar notices itself (see ``ical_version``)."""
    from treffpunkt.calendar.feeds import feed_since

    from .models import EventPage

    filters = clean_filters(filters)
    if filters.get("kind", "event") not in EVENT_KINDS:
        return ()
    ids = site_events(sender, filters, user).filter(end__gt=feed_since()).values("pk")
    found = EventPage.objects.filter(pk__in=ids).aggregate(
        events=Count("pk"), event_ids=Sum("pk"), published=Max("last_published_at")
    )
    return tuple(sorted(found.items()))


@receiver(calendar_page)
def event_index_page(sender, **kwargs):
    """The site's calendar page: its (first) event index."""
    from .models import EventIndexPage

    return EventIndexPage.objects.live().filter(path__startswith=sender.root_page.path).first()
