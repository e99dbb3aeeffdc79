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

from django.conf import settings
from django.db.models import Q, QuerySet
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from .requestmemo import memoized


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
    restrictions = rules().all
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
    translations = rules().translation_paths
    closed = Q()
    for closed_path in sorted({each for p in paths for each in translations.get(p, [p])}):
        closed |= Q(path__startswith=closed_path)
    return pages.exclude(closed)


class Rules:
    """Every view restriction of the installation and the pages it closes, as one process
    keeps them for a chrome generation (which any page, site, locale or restriction saved,
    moved or deleted renews: :mod:`treffpunkt.core.chrome`). Serving a page asks here
    instead of the database: four queries a page before, none while the generation lasts
    (one or two when a restriction asks for the visitor's groups).

    Most installations have few restrictions; with none at all, the rules are one query a
    generation."""

    def __init__(self):
        restrictions = list(
            PageViewRestriction.objects.select_related("page")
            .prefetch_related("groups")
            .order_by("pk")
        )
        self.none = not restrictions
        self.all = restrictions
        #: a restricted page's tree path -> the tree paths of all its translations (itself too)
        self.translation_paths: dict[str, list[str]] = {}
        #: restrictions by the page they are set on, and by its tree path
        self.on_page: dict[int, list] = {}
        self.on_path: dict[str, list] = {}
        #: alias pages (Wagtail's restrictions of an alias are those of its source)
        self.alias_source: dict[int, int] = {}
        self.alias_at: dict[str, int] = {}
        #: translation key -> restrictions on a page at or above a page of that key
        self.by_key: dict = {}
        if self.none:
            return
        for restriction in restrictions:
            self.on_page.setdefault(restriction.page_id, []).append(restriction)
            self.on_path.setdefault(restriction.page.path, []).append(restriction)
        keys: dict = {}
        for restriction in restrictions:
            keys.setdefault(restriction.page.translation_key, set()).add(restriction.page.path)
        for key, path in Page.objects.filter(translation_key__in=keys).values_list(
            "translation_key", "path"
        ):
            for restricted in keys[key]:
                self.translation_paths.setdefault(restricted, []).append(path)
        aliases = Page.objects.filter(alias_of__isnull=False).values_list("pk", "path", "alias_of")
        for pk, path, source in aliases:
            self.alias_source[pk] = source
            self.alias_at[path] = pk
        below = Q()
        for path in self.on_path:
            below |= Q(path__startswith=path)
        step = Page.steplen
        found: dict = {}
        for key, path in Page.objects.filter(below).values_list("translation_key", "path"):
            closing = found.setdefault(key, {})
            for end in range(step, len(path) + 1, step):
                for restriction in self.on_path.get(path[:end], ()):
                    closing[restriction.pk] = restriction
        self.by_key = {key: list(closing.values()) for key, closing in found.items()}

    def _source(self, pk: int, alias_of: int | None) -> int:
        seen = set()
        while alias_of is not None and pk not in seen:
            seen.add(pk)
            pk, alias_of = alias_of, self.alias_source.get(alias_of)
        return pk

    def view_restrictions(self, page: Page) -> list[PageViewRestriction]:
        """What ``page.get_view_restrictions()`` finds: the restrictions of the page and of
        the pages above it, an alias answering with those of its source."""
        if self.none:
            return []
        found: dict[int, PageViewRestriction] = {}

        def add(restrictions):
            for restriction in restrictions:
                found[restriction.pk] = restriction

        add(self.on_page.get(self._source(page.pk, page.alias_of_id), ()))
        step = Page.steplen
        for end in range(step, len(page.path), step):
            above = page.path[:end]
            alias = self.alias_at.get(above)
            if alias is None:
                add(self.on_path.get(above, ()))
            else:
                add(self.on_page.get(self._source(alias, self.alias_source[alias]), ()))
        return [found[pk] for pk in sorted(found)]

    def of_translations(self, page: Page) -> list[PageViewRestriction]:
        """The restrictions on any page at or above any translation of ``page``."""
        if self.none:
            return []
        return self.by_key.get(page.translation_key, [])


_rules: list = [None, None]  # the generation, its rules


def rules() -> Rules:
    """The rules of the current generation, built once per process and generation."""
    from . import chrome

    current = chrome.generation()
    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        # each process has its own cache: a restriction saved in another process would not
        # start a new generation here, so the rules are read once per request
        return memoized(("restriction-rules", current), Rules)
    generation, known = _rules
    if known is None or generation != current:
        known = Rules()
        if chrome.settled():  # else these rows may yet be rolled back
            _rules[:] = [current, known]
    return known


def may_view(page: Page, user, request=None) -> bool:
    """Whether ``user`` may see ``page`` (and so anything taken from it): the restrictions
    of the page, the pages above it and of its translations must all let them through."""
    restrictions = rules().of_translations(page)
    group_ids = None
    for restriction in restrictions:
        if request is not None and restriction.restriction_type == BaseViewRestriction.PASSWORD:
            if not restriction.accept_request(request):
                return False
            continue
        if group_ids is None:
            group_ids = set(user.groups.values_list("pk", flat=True)) if _signed_in(user) else set()
        if not _passes(restriction, user, group_ids):
            return False
    return True
