"""Who may see a series, take part in it and host it; every view and feed asks here.

Membership questions go to :mod:`networks.membership` (the only reader of memberships);
who manages a town, and who belongs to its network, to :mod:`treffpunkt.accounts.roles`.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from networks import membership
from treffpunkt.accounts import roles
from treffpunkt.core import chrome
from treffpunkt.core.requestmemo import memoized
from treffpunkt.core.restrictions import may_view, visible_to

from .models import MeetingSeriesPage, Visibility


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _site_of(series: MeetingSeriesPage):
    return roles.site_of_page(series)


def can_view(series: MeetingSeriesPage, user) -> bool:
    """Whether ``user`` may see the series, its dates and its agenda (a Wagtail view
    restriction on the page, or above it, applies to all of them; a translation is asked
    as its series)."""
    if not may_view(series, user):
        return False
    source = series.schedule_source()
    if source is not series and not may_view(source, user):
        return False
    series = source
    if series.visibility == Visibility.PUBLIC:
        return True
    return can_participate(series, user)


def can_participate(series: MeetingSeriesPage, user) -> bool:
    """Whether ``user`` may answer, add agenda items and read minutes and tasks."""
    series = series.schedule_source()
    if not _signed_in(user):
        return False
    site = _site_of(series)
    if roles.is_manager(user, site):
        return True
    if series.visibility == Visibility.GROUP:
        group = series.working_group
        return group is not None and membership.is_member(user, group)
    return membership.is_network_member(user, site) or (
        series.working_group is not None and membership.is_member(user, series.working_group)
    )


def can_host(series: MeetingSeriesPage, user) -> bool:
    """Whether ``user`` may change dates, order the agenda and write the minutes."""
    series = series.schedule_source()
    if not _signed_in(user):
        return False
    if roles.is_manager(user, _site_of(series)):
        return True
    group = series.working_group
    return group is not None and membership.is_coordinator(user, group)


def _by_their_series(pages: QuerySet, allowed: Q) -> QuerySet:
    """``pages`` whose series matches ``allowed``: a translation is decided by the series'
    page in the default language (its :meth:`~MeetingSeriesPage.schedule_source`, which
    :func:`can_view` asks), not by its own copy of the visibility and host group, which may
    be of before the series was changed; a page without one decides by itself."""
    sources = MeetingSeriesPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    return pages.filter(
        Q(translation_key__in=sources.filter(allowed).values("translation_key"))
        | (~Q(translation_key__in=sources.values("translation_key")) & allowed)
    )


def _hosted_by_groups_of(user) -> Q:
    """Series hosted by one of the user's working groups, in whichever language the series
    names the group (memberships belong to the group's page in its first language)."""
    keys = membership.groups_of(user).values("translation_key")
    return Q(working_group__translation_key__in=keys)


#: (chrome generation, {key: tree path} of the series pages that are aliases) of this process
_kept_aliases: tuple = (None, {})


def _aliases() -> dict[int, str]:
    """Every series page that is an alias (of any town), by key, with its tree path: once
    per request, and kept by the process while the chrome's generation lasts (every page
    saved, moved, published or deleted starts a new one) when the processes share the cache."""

    def read() -> dict[int, str]:
        global _kept_aliases
        shared = getattr(settings, "CACHE_SHARED_BY_PROCESSES", False)
        generation = chrome.generation() if shared else None
        kept = _kept_aliases
        if shared and kept[0] == generation:
            return kept[1]
        found = dict(
            MeetingSeriesPage.objects.filter(alias_of__isnull=False).values_list("pk", "path")
        )
        if shared and chrome.settled():
            _kept_aliases = (generation, found)
        return found

    return memoized(("meetings", "aliases"), read)


def _alias_ids() -> frozenset[int]:
    """The keys of every series page that is an alias (see :func:`_aliases`)."""
    return frozenset(_aliases())


def has_alias_below(parent) -> bool:
    """Whether a series page below ``parent`` is an alias."""
    return any(path.startswith(parent.path) and path != parent.path for path in _aliases().values())


def _ruled(pages: QuerySet, site, user) -> QuerySet:
    """``pages`` that the rules of ``site`` show ``user`` (see :func:`visible_series`)."""
    if not _signed_in(user):
        return _by_their_series(pages, Q(visibility=Visibility.PUBLIC))
    if roles.is_manager(user, site):
        return pages
    allowed = Q(visibility=Visibility.PUBLIC)
    if membership.is_network_member(user, site):
        allowed |= Q(visibility=Visibility.NETWORK)
    allowed |= Q(visibility__in=(Visibility.NETWORK, Visibility.GROUP)) & _hosted_by_groups_of(user)
    return _by_their_series(pages, allowed)


def visible_series(site, user, parent=None) -> QuerySet[MeetingSeriesPage]:
    """Live series of ``site`` that ``user`` may see (below ``parent`` when given).

    An alias is its series (:meth:`~MeetingSeriesPage.schedule_source`, through every alias
    and translation), whose own town and visibility decide who sees it: an alias of Beckum's
    network series placed in Borken's tree, or in Borken's English tree, is no series of
    Borken's. So each alias is listed when its page would show it to ``user``
    (:func:`can_view`); aliases are few."""
    pages = MeetingSeriesPage.objects.live().select_related("working_group")
    pages = pages.descendant_of(parent) if parent is not None else pages.in_site(site)
    pages = visible_to(pages, user)  # Wagtail view restrictions (login, groups, password)
    ruled = _ruled(pages, site, user)
    alias_ids = _alias_ids()
    if not alias_ids:
        return ruled.order_by("title")
    from django.contrib.auth.models import AnonymousUser

    person = user if user is not None else AnonymousUser()
    shown = [page.pk for page in pages.filter(pk__in=alias_ids) if can_view(page, person)]
    others = ruled.exclude(pk__in=alias_ids).values("pk")
    return pages.filter(Q(pk__in=others) | Q(pk__in=shown)).order_by("title")


def audience(site, user, parent=None) -> str | None:
    """All that :func:`visible_series` asks of ``user`` besides the view restrictions they do
    not pass: people with the same audience see the same series. Their working groups are
    named in it, so a membership begun or ended makes another audience at once.

    None when there is an alias among the series (below ``parent``, or anywhere when it is
    not given) and ``user`` is signed in: an alias is decided by its own series' town
    (:func:`visible_series`), by roles and memberships there that the audience does not
    name, so that list is the person's own."""
    if not _signed_in(user):
        return "public"
    if has_alias_below(parent) if parent is not None else _alias_ids():
        return None
    if roles.is_manager(user, site):
        return "manager"
    network = "network" if membership.is_network_member(user, site) else "guest"
    return network + ":" + ",".join(str(pk) for pk in membership.group_ids_of(user))


def participating_series(site, user) -> QuerySet[MeetingSeriesPage]:
    """Series where ``user`` takes part (for the dashboard and the personal feed)."""
    pages = visible_series(site, user)
    if not _signed_in(user):
        return pages.none()
    if membership.is_network_member(user, site):
        return pages
    return _by_their_series(pages, _hosted_by_groups_of(user))


def people_of(series: MeetingSeriesPage):
    """Everyone who takes part in a series: its group's members, or the network's."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    group = series.working_group
    if series.visibility == Visibility.GROUP:
        return membership.members_of(group) if group is not None else User.objects.none()
    site = _site_of(series)
    people = roles.network_members_q(site) & Q(is_superuser=False)
    if group is not None:
        people |= Q(pk__in=membership.members_of(group).values("pk"))
    return User.objects.filter(people, is_active=True).distinct()
