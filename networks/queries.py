"""Read queries of the public pages, each with a fixed number of SQL queries.

Action fields are translatable snippets; other records point to the original (German)
field, and pages show the translation in the visitor's language where one exists. Filters
name an action field by the slug of its original.
"""

from __future__ import annotations

from collections import defaultdict
from functools import reduce
from operator import and_

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language
from wagtail.documents import get_document_model
from wagtail.models import Locale, Site

from treffpunkt.calendar import upcoming
from treffpunkt.core import generations
from treffpunkt.core.languages import has_language, split_languages
from treffpunkt.core.requestmemo import memoized

from .forms import language_name
from .models import (
    ActionField,
    ContactPerson,
    IndicatorReading,
    Measure,
    Membership,
    Organisation,
    WorkingGroupPage,
)


def _site_q(site: Site) -> Q:
    return Q(site=site) | Q(site__isnull=True)


def _default_locale() -> Locale | None:
    try:
        return Locale.get_default()  # kept in the request's memo with the active locale
    except Locale.DoesNotExist:
        return None


def action_fields_for(site: Site) -> list[ActionField]:
    """The site's action fields in the visitor's language: the same for every visitor, kept
    with the chrome per site and language (3 queries when built, none while it lasts).

    Each carries ``filter_slug``: the slug of the original, which filters use.
    """
    from treffpunkt.core import chrome

    def compute() -> list[ActionField]:
        originals = list(ActionField.objects.filter(_site_q(site)).order_by("sort_order", "name"))
        default = _default_locale()
        if default is not None:
            # Originals are the default-locale rows; translations share their translation_key.
            originals = [f for f in originals if f.locale_id == default.pk] or originals
        names = _site_field_names(site)
        for field in originals:
            field.filter_slug = field.slug
            field.display_name = names.get(str(field.translation_key), field.name)
        return originals

    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        # each process would keep its own list: one saved in another would not show here
        return memoized(("action-fields", site.pk, get_language() or ""), compute)
    return chrome.cached("action-fields", site, get_language() or "", compute)


def _site_field_names(site: Site) -> dict[str, str]:
    """str(translation_key) -> name of the action fields of ``site`` (and of every site) in
    the visitor's language: kept with the chrome per site and language (1 query when built).
    Translations of action fields are snippets saved like any other, which renew the chrome
    (see :mod:`networks.receivers`)."""
    from treffpunkt.core import chrome

    def compute() -> dict[str, str]:
        try:
            locale = Locale.get_active()
        except Locale.DoesNotExist:
            return {}
        rows = ActionField.objects.filter(_site_q(site), locale=locale)
        return {str(key): name for key, name in rows.values_list("translation_key", "name")}

    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return memoized(("action-field-names", site.pk, get_language() or ""), compute)
    return chrome.cached("action-field-names", site, get_language() or "", compute)


def translated_names(fields, site: Site | None = None) -> dict:
    """translation_key -> the name in the active language of each of these action fields.

    The fields of ``site`` (and those of every site) are named from what the chrome keeps for
    the site and language (no query); others ask once per request for the same fields."""
    fields = list(fields)
    names: dict = {}
    if site is not None:
        known = _site_field_names(site)
        mine = [f for f in fields if f.site_id in (None, site.pk)]
        names = {f.translation_key: known.get(str(f.translation_key), f.name) for f in mine}
        fields = [f for f in fields if f.site_id not in (None, site.pk)]
    if not fields:
        return names
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return names
    names |= {f.translation_key: f.name for f in fields if f.locale_id == locale.pk}
    missing = sorted({str(f.translation_key) for f in fields} - {str(k) for k in names})
    if missing:
        names |= memoized(
            ("action-field-names", locale.pk, tuple(missing)),
            lambda: dict(
                ActionField.objects.filter(translation_key__in=missing, locale=locale).values_list(
                    "translation_key", "name"
                )
            ),
        )
    return names


def action_field_name(group: WorkingGroupPage, site: Site | None) -> str:
    """The name of the group's action field in the visitor's language ("" without one): from
    what the chrome keeps for the site and language, else from the field's row."""
    if group.action_field_id is None:
        return ""
    if site is not None:
        for field in action_fields_for(site):
            if field.pk == group.action_field_id:
                return field.display_name
    return group.action_field.localized.name


def name_action_fields(fields: list[ActionField], site: Site | None = None) -> None:
    """Set ``display_name`` (the name in the visitor's language) on each field (no query for
    the fields of ``site``, else at most 1)."""
    names = translated_names(fields, site)
    for field in fields:
        field.display_name = names.get(field.translation_key, field.name)


def _field_key(site: Site, slug: str):
    field = ActionField.objects.filter(_site_q(site), slug=slug).first()
    return field.translation_key if field else None


def directory_languages(site: Site) -> list[tuple[str, str]]:
    """The languages in which someone in the directory can be spoken to: kept with the
    chrome per site (2 queries when built)."""
    from treffpunkt.core import chrome

    def compute() -> list[tuple[str, str]]:
        codes: set[str] = set()
        for value in Organisation.objects.filter(_site_q(site)).values_list("languages", flat=True):
            codes.update(split_languages(value))
        for value in ContactPerson.objects.filter(
            Q(organisation__site=site) | Q(organisation__site__isnull=True)
        ).values_list("languages", flat=True):
            codes.update(split_languages(value))
        return sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1])

    return chrome.cached("directory-languages", site, "", compute)


def _words_q(query: str, fields: list[str]) -> Q | None:
    words = query.split()[:8]
    if not words:
        return None
    return reduce(
        and_,
        (reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words),
    )


def organisations(
    site: Site, q: str = "", action_field: str = "", language: str = "", kind: str = ""
) -> QuerySet[Organisation]:
    # Filters on contacts and fields use EXISTS subqueries rather than joins: each
    # organisation stays one row, and the database need not multiply joined tables.
    qs = Organisation.objects.filter(_site_q(site))
    contacts = ContactPerson.objects.filter(organisation=OuterRef("pk"))
    if kind:
        qs = qs.filter(kind=kind)
    if action_field:
        key = _field_key(site, action_field)
        qs = qs.filter(
            Exists(
                Organisation.action_fields.through.objects.filter(
                    organisation=OuterRef("pk"), actionfield__translation_key=key
                )
            )
            | Exists(contacts.filter(action_fields__translation_key=key))
        )
    if language:
        qs = qs.filter(has_language(language) | Exists(contacts.filter(has_language(language))))
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(services__icontains=word)
            | Q(city__icontains=word)
            | Exists(contacts.filter(Q(name__icontains=word) | Q(role__icontains=word)))
        )
    return qs.order_by("name").prefetch_related(
        "action_fields",
        Prefetch(
            "contacts",
            queryset=ContactPerson.objects.order_by("sort_order").prefetch_related("action_fields"),
        ),
    )


def matching_contacts(organisation: Organisation, language: str, action_field: str) -> list:
    """The organisation's contacts that fit the filters (from prefetched rows, no query)."""
    contacts = list(organisation.contacts.all())
    if language:
        contacts = [c for c in contacts if language in c.language_codes] or (
            contacts if language in organisation.language_codes else []
        )
    if action_field:
        contacts = [
            c
            for c in contacts
            if not c.action_fields.all()
            or any(f.slug == action_field for f in c.action_fields.all())
        ]
    return contacts


def organisation_or_404(site: Site, slug: str) -> Organisation:
    organisation = (
        Organisation.objects.filter(_site_q(site), slug=slug)
        .prefetch_related("action_fields", "contacts__action_fields")
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def measures_of_organisation(organisation: Organisation) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(Q(lead_organisation=organisation) | Q(participants=organisation))
        .distinct()
        .select_related("action_field")
    )


def organisations_for_sitemap(site: Site | None) -> list[str]:
    """The slugs of the organisations the town's directory shows (each has its page)."""
    if site is None:
        return []
    return list(
        Organisation.objects.filter(_site_q(site)).order_by("name").values_list("slug", flat=True)
    )


def measures_for_sitemap(site: Site | None) -> list[tuple[str, object]]:
    """The slug and last change of each measure the town's measures database shows."""
    if site is None:
        return []
    return list(
        Measure.objects.filter(site=site).order_by("title").values_list("slug", "updated_at")
    )


def organisations_with_measures(site: Site) -> list[tuple[int, str]]:
    """(id, name) of the organisations a measure of the site may name, for the filter: kept
    with the chrome per site (1 query when built)."""
    from treffpunkt.core import chrome

    return chrome.cached(
        "measure-organisations",
        site,
        "",
        lambda: list(
            Organisation.objects.filter(_site_q(site)).order_by("name").values_list("pk", "name")
        ),
    )


def measures(
    site: Site,
    q: str = "",
    action_field: str = "",
    target_group: str = "",
    organisation: str = "",
    status: str = "",
) -> QuerySet[Measure]:
    qs = Measure.objects.filter(site=site)
    if action_field:
        qs = qs.filter(action_field__translation_key=_field_key(site, action_field))
    if target_group:
        qs = qs.filter(target_group__icontains=target_group)
    if organisation:
        qs = qs.filter(
            Q(lead_organisation_id=organisation)
            | Exists(
                Measure.participants.through.objects.filter(
                    measure=OuterRef("pk"), organisation_id=organisation
                )
            )
        )
    if status:
        qs = qs.filter(status=status)
    if q and (words := _words_q(q, ["title", "goal", "target_group", "description"])):
        qs = qs.filter(words)
    return (
        qs.select_related("action_field", "lead_organisation")
        .prefetch_related("participants", "indicators")
        .order_by("action_field__sort_order", "title")
    )


def measure_or_404(site: Site, slug: str) -> Measure:
    measure = (
        Measure.objects.filter(site=site, slug=slug)
        .select_related("action_field", "lead_organisation")
        .prefetch_related("participants")
        .first()
    )
    if measure is None:
        raise Http404
    return measure


def readings_by_indicator(indicators) -> dict[int, list[IndicatorReading]]:
    history: dict[int, list[IndicatorReading]] = defaultdict(list)
    for reading in IndicatorReading.objects.filter(indicator__in=indicators).order_by(
        "date", "recorded_at"
    ):
        history[reading.indicator_id].append(reading)
    return history


# --- working groups ----------------------------------------------------------------------


def coordinators(group: WorkingGroupPage) -> list[Membership]:
    return list(
        Membership.objects.filter(
            working_group__translation_key=group.translation_key,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.COORDINATOR,
        ).select_related("user", "organisation")
    )


#: renewed by every membership or organisation saved or deleted (networks.apps connects it)
MEMBERSHIPS_GENERATION = "treffpunkt:generation:memberships"


generations.known(MEMBERSHIPS_GENERATION)  # renewed by manage.py renew_kept


def memberships_changed(sender=None, **kwargs) -> None:
    generations.bump(MEMBERSHIPS_GENERATION)


def coordinator_names(group: WorkingGroupPage) -> list[str]:
    """The names of the group's coordinators (people and organisations) as its page shows
    them to everyone: kept in the cache while no membership, person or organisation changed
    (a round trip to the cache instead of a query over three tables on every visit). Read
    every time without a cache that every process shares."""
    from treffpunkt.accounts.keptuser import USERS_GENERATION

    def compute() -> list[str]:
        return [membership.member_name for membership in coordinators(group)]

    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return compute()
    return generations.keep(
        f"treffpunkt:coordinators:{group.translation_key}",
        [MEMBERSHIPS_GENERATION, USERS_GENERATION],
        compute,
        24 * 3600,
    )


def active_memberships(group: WorkingGroupPage) -> list[Membership]:
    return list(
        Membership.objects.filter(working_group=group, status=Membership.Status.ACTIVE)
        .select_related("user", "organisation")
        .order_by("-role", "user__last_name", "organisation__name")
    )


def open_requests(group: WorkingGroupPage) -> list[Membership]:
    return list(
        Membership.objects.filter(working_group=group, status=Membership.Status.REQUESTED)
        .select_related("user")
        .order_by("created_at")
    )


def group_documents(group: WorkingGroupPage):
    if group.collection_id is None:
        return []
    return list(
        get_document_model()
        .objects.filter(collection_id=group.collection_id)
        .order_by("-created_at")[:100]
    )


def working_groups_queryset(index_page, action_field: str = "", status: str = "", user=None):
    """The live groups below an index, in the editors' order; a group under a view
    restriction (in any language) only for ``user`` if they pass it (never for None)."""
    from treffpunkt.core.restrictions import visible_to

    qs = WorkingGroupPage.objects.child_of(index_page).live().select_related("action_field")
    qs = visible_to(qs, user)
    if action_field:
        qs = qs.filter(action_field__slug=action_field)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("path")


def working_groups(index_page, action_field: str = "", status: str = "") -> list:
    """The live groups below an index, with their action field's name (2 queries)."""
    return with_field_names(list(working_groups_queryset(index_page, action_field, status)))


def kept_working_groups(
    index_page, site: Site | None, user, action_field: str = "", status: str = ""
) -> list:
    """The groups :func:`working_groups_queryset` gives, with their action field's name
    (:func:`with_field_names`), kept with the chrome per index, language, filters and the
    view restrictions the visitor does not pass: the same for everyone who passes the same
    ones, and renewed when a page, an action field or a restriction changes. A network page
    and the groups' index asked the database for them on every render (2-3 queries, 1-2 ms).

    Kept only when the processes share the cache (a group published by the worker's
    scheduled publishing must show in every process at once); else read every time."""
    import hashlib

    from treffpunkt.core import chrome
    from treffpunkt.core.restrictions import closed_paths

    def compute() -> list:
        groups = working_groups_queryset(index_page, action_field, status, user=user)
        return with_field_names(list(groups), site)

    if site is None or not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return compute()
    closed = hashlib.sha256("|".join(sorted(closed_paths(user))).encode()).hexdigest()[:24]
    return chrome.cached(
        "working-groups", site, get_language(), compute, index_page.pk, action_field, status, closed
    )


def with_field_names(groups: list, site: Site | None = None) -> list:
    """Sets ``action_field_name`` (in the visitor's language) on each group (no query for
    the fields of ``site``, else at most one)."""
    names = translated_names([g.action_field for g in groups if g.action_field], site)
    for group in groups:
        group.action_field_name = (
            names.get(group.action_field.translation_key, group.action_field.name)
            if group.action_field
            else ""
        )
    return groups


def member_organisations(site: Site, limit: int) -> tuple[list[Organisation], int]:
    """The first ``limit`` member organisations of the site, and how many there are: kept
    with the chrome per site (1 query when built, 2 when there are more than ``limit``)."""
    from treffpunkt.core import chrome

    def compute() -> tuple[list[Organisation], int]:
        members = Organisation.objects.filter(_site_q(site), is_member=True).order_by("name")
        shown = list(members[:limit])
        return shown, len(shown) if len(shown) < limit else members.count()

    return chrome.cached("member-organisations", site, "", compute, limit)


def upcoming_events(site: Site | None, user, limit: int = 5) -> list:
    """Upcoming entries of the site's calendar (the core service events/ and plugins fill)."""
    if site is None:
        return []
    return upcoming(site, user, limit=limit)
