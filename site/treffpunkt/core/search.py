"""Site search over everything a newcomer looks for, in every language.

Pages are searched in the visitor's language and, where a page has no translation yet, in
the site's default language (shown through the visitor's version of it when there is one).
Apps add their own kinds of things (organisations, measures) with :func:`register`, so the
core knows nothing of them. Results come grouped by kind, each group with its count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from treffpunkt.plugins import registry

from .restrictions import visible_to

MAX_QUERY_LENGTH = 200
MAX_PER_KIND = 50


@dataclass
class Hit:
    title: str
    url: str
    text: str = ""
    lang: str = ""  # the language of title/text when it is not the visitor's


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.hits)


Searcher = Callable[[object, object, str], list[Hit]]
_searchers: list[tuple[int, str, object, Searcher]] = []


def register(kind: str, label, searcher: Searcher, order: int = 50) -> None:
    """Adds a kind of thing to the site search: ``searcher(request, site, query)`` returns
    its hits for this site, in the visitor's language where it has one."""
    global _searchers
    _searchers = [s for s in _searchers if s[1] != kind]
    _searchers.append((order, kind, label, searcher))
    _searchers.sort(key=lambda s: s[0])


def _search(queryset, query: str) -> list:
    """Up to MAX_PER_KIND matches through Wagtail's search backend (PostgreSQL full text,
    SQLite FTS in the demo). A query the backend's own syntax chokes on (quotes, brackets,
    operators) is searched again as plain words: any text a visitor types is accepted."""
    try:
        with transaction.atomic():
            return _search_and_complete(queryset, query)
    except DatabaseError:
        words = re.sub(r"[^\w\s]", " ", query).split()
        if not words:
            return []
        with transaction.atomic():
            return _search_and_complete(queryset, " ".join(words))


def _search_and_complete(queryset, query: str) -> list:
    """Whole words first ("Beratung" also finds "Beratungen" where the language has a
    stemmer), then names that begin with what was typed ("Caritas" finds
    "Caritasverband")."""
    backend = get_search_backend()
    found = list(backend.search(query, queryset, operator="and")[:MAX_PER_KIND])
    if len(found) < MAX_PER_KIND:
        seen = {item.pk for item in found}
        try:
            completed = list(backend.autocomplete(query, queryset)[:MAX_PER_KIND])
        except NotImplementedError:  # pragma: no cover - every backend used here has it
            completed = []
        found += [item for item in completed if item.pk not in seen]
    return found[:MAX_PER_KIND]


def page_groups(request, site, query: str) -> list[Group]:
    """Live public pages of this site in the visitor's language, with the default
    language's pages for those not yet translated, grouped by their kind (model)."""
    # The site's tree in every language: each locale has its own copy of the home page.
    roots = Page.objects.filter(translation_key=site.root_page.translation_key)
    in_site = Q()
    for root in roots:
        in_site |= Q(path__startswith=root.path, depth__gte=root.depth)
    # not only .public(): a page whose translation (or a page above that) is restricted is
    # restricted too, and its title and text stay out of the results
    pages = visible_to(Page.objects.live().filter(in_site), request.user)
    pages = registry.without_pages_of_plugins_off(pages, site)  # a plugin off: gone
    active, default = Locale.get_active(), Locale.get_default()
    found = _search(pages.filter(locale=active).specific(), query)
    keys = {page.translation_key for page in found}
    if active.pk != default.pk:
        fallback = [
            p
            for p in _search(pages.filter(locale=default).specific(), query)
            if p.translation_key not in keys
        ]
        local = {
            p.translation_key: p
            for p in pages.filter(
                locale=active, translation_key__in=[p.translation_key for p in fallback]
            ).specific()
        }
        found += [local.get(p.translation_key, p) for p in fallback]
    groups: dict[str, Group] = {}
    for page in found:
        if page.depth <= 2:  # a site's home page is not a result of its own
            continue
        meta = type(page)._meta
        group = groups.setdefault(
            meta.label_lower, Group(meta.label_lower, str(meta.verbose_name_plural))
        )
        url = page.get_url(request=request)
        if url:
            untranslated = page.locale_id != active.pk or page.alias_of_id is not None
            group.hits.append(
                Hit(
                    title=page.title,
                    url=url,
                    text=page.search_description or getattr(page, "intro", "") or "",
                    lang=default.language_code if untranslated and active != default else "",
                )
            )
    return list(groups.values())


def search_everything(request, site, query: str) -> list[Group]:
    """Every kind of thing that matches, pages first, each kind with its hits."""
    # Words only: quotes, ">", "~", "*" and the like are query syntax to SQLite's FTS5
    # and to PostgreSQL's tsquery; people search for words.
    query = " ".join(re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH]))
    if not query or site is None:
        return []
    groups = page_groups(request, site, query)
    for _order, kind, label, searcher in _searchers:
        hits = searcher(request, site, query)
        if hits:
            groups.append(Group(kind, str(label), hits[:MAX_PER_KIND]))
    return [g for g in groups if g.hits]


__all__ = ["Group", "Hit", "register", "search", "search_everything", "MAX_QUERY_LENGTH", "_"]

search = _search
