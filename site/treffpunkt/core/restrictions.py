"""Wagtail's view restrictions (login, groups, password), wherever a page's content goes.

Wagtail checks a restriction when it serves the page itself. Everything else that shows a
page's content elsewhere (calendar list and month, feeds, single-event files, blocks, the
network page, newsletters, RSS, a plugin's own URLs) asks here, so a restricted page never
leaks through a side door:

* :func:`visible_to` narrows a page queryset (lists, feeds, search results) to what a
  person may see: nobody (``None``, anonymous, public feeds and mails) gets a restricted
  page; a signed-in person gets pages restricted to logged-in users or to a group of
  theirs. Password restrictions are never
  passed here (a password opens one page in one browser session, not a feed or a list).
* :func:`may_view` answers the same for one page, honouring a password already given in
  this session when a ``request`` is passed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _passes(restriction: PageViewRestriction, user, group_ids: set[int]) -> bool:
    if restriction.restriction_type == BaseViewRestriction.LOGIN:
        return _signed_in(user)
    if restriction.restriction_type == BaseViewRestriction.GROUPS:
        if not _signed_in(user):
            return False
        if user.is_superuser:
            return True
        return any(g.pk in group_ids for g in restriction.groups.all())
    return False  # password (and any kind added later): never in lists, feeds or mails


def closed_paths(user) -> list[str]:
    """Tree paths of the restricted pages whose restriction ``user`` does not pass."""
    restrictions = list(
        PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    )
    if not restrictions:
        return []
    group_ids = set(user.groups.values_list("pk", flat=True)) if _signed_in(user) else set()
    return [r.page.path for r in restrictions if not _passes(r, user, group_ids)]


def visible_to(pages: QuerySet, user) -> QuerySet:
    """``pages`` without those under a view restriction that ``user`` does not pass, and
    without their translations and the pages below those: a restriction on one language
    keeps every language out (a list or a search must not show the English page of a
    restricted German event, nor the English pages below a restricted German section),
    as :func:`may_view` does for one page."""
    paths = closed_paths(user)
    if not paths:
        return pages
    restricted = Q()
    for path in paths:
        restricted |= Q(path=path)
    keys = Page.objects.filter(restricted).values("translation_key")
    closed = Q()
    for path in Page.objects.filter(translation_key__in=keys).values_list("path", flat=True):
        closed |= Q(path__startswith=path)
    return pages.exclude(closed)


def may_view(page: Page, user, request=None) -> bool:
    """Whether ``user`` may see ``page`` (and so anything taken from it): the restrictions
    of the page, the pages above it and of its translations must all let them through."""
    # two queries: the translations' tree paths, then the restrictions on any of them or
    # on a page above (a path's ancestors are its prefixes, one step is Page.steplen long)
    paths = Page.objects.filter(translation_key=page.translation_key).values_list("path", flat=True)
    step = Page.steplen
    prefixes = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    restrictions = PageViewRestriction.objects.filter(page__path__in=prefixes).prefetch_related(
        "groups"
    )
    for restriction in restrictions:
        if request is not None and restriction.restriction_type == BaseViewRestriction.PASSWORD:
            if not restriction.accept_request(request):
                return False
            continue
        group_ids = set(user.groups.values_list("pk", flat=True)) if _signed_in(user) else set()
        if not _passes(restriction, user, group_ids):
            return False
    return True
