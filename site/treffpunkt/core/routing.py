"""Wagtail's routing of a page address, remembered per process.

Wagtail finds the page for ``/veranstaltungen/begegnungsfest/anmelden/`` by walking down
the tree from the site's home page: for each part of the address it asks for the child
with that slug and then for the child's specific page, two queries a level. An event's
sign-up costs five queries before any work is done, and so does every page a member sees
(members always get a freshly rendered page).

:class:`RouteMemoMiddleware` remembers where a walk ended: which page (its model, key and
``url_path``) answered the address and which parts of it that page was given (a routable
page's own sub-address, such as ``anmelden/``). The next request for that address loads
that page alone and asks the page itself to route the rest, as Wagtail would: an
unpublished page still answers 404 and a routable page's sub-address is resolved by the
page. The page itself is kept too (pickled, so each request unpacks its own copy), so a
warm process reads only the page's address and state, one plain query instead of the
page's full row (whose query costs more to build than to run). Nothing is taken from the
memory without checking it against the database row:

* the memory belongs to the chrome's generation (:mod:`treffpunkt.core.chrome`), which every
  page, site or locale saved, moved, published or deleted renews, in every process; a page
  is kept only when read with no change of the chrome pending on the connection, and only
  when the processes share a cache (``CACHE_SHARED_BY_PROCESSES``: else another process's
  change would renew that process's generation alone);
* the page must still exist and still sit at the same ``url_path`` (moved, renamed or
  deleted, it is walked to again), and a kept copy must be as live as its row;
* only walks through pages whose routing is Wagtail's own (plain or routable pages) are
  remembered; a page type with its own ``route()`` is always walked;
* an address that found no page (404) is never remembered, so made-up addresses cannot fill
  the memory, which holds at most ``MAX_ENTRIES`` addresses.

Whatever the memory answers, Wagtail's serve view goes on as always (view restrictions,
``before_serve_page`` hooks, the page's ``serve``).
"""

from __future__ import annotations

import pickle
import threading

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.utils import translation
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, Site
from wagtail.models.pages import AbstractPage
from wagtail.views import serve as wagtail_serve

from . import chrome

MAX_ENTRIES = 5000
#: pages deeper than this below the site's home are walked every time; an address of
#: thousands of parts costs no more than one of this many
MAX_DEPTH = 24

#: routing methods whose answer depends only on the tree and the address
_PLAIN_ROUTES = frozenset({AbstractPage.route, RoutablePageMixin.route})

_lock = threading.Lock()
_memory: dict[tuple, tuple] = {}
#: the remembered pages, pickled, by (model, key)
_pages: dict[tuple, bytes] = {}
_memory_generation: list = [None]


def _plain(page) -> bool:
    return getattr(type(page), "route", None) in _PLAIN_ROUTES


def _chain(page) -> list:
    """The pages Wagtail's walk went through, from the site's (localized) home to ``page``
    (each child it found keeps its parent in ``_cached_parent_obj``)."""
    chain = [page]
    while (parent := getattr(chain[-1], "_cached_parent_obj", None)) is not None:
        chain.append(parent)
    chain.reverse()
    return chain


def _record(site_pk, language, parts: list[str], page, generation, base=0, above=()) -> None:
    """Remember each page of the walk under the part of the address that led to it.

    ``base``: the level the walk began at (0, the site's home, or a remembered page's level
    with the routable pages ``above`` it)."""
    chain = _chain(page)
    top = chain[0]
    deepest = base + len(chain) - 1
    if deepest > min(len(parts), MAX_DEPTH) or not all(_plain(p) for p in chain):
        return
    if any(p.depth - top.depth != step for step, p in enumerate(chain)):
        return
    for step, each in enumerate(chain):
        level = base + step
        entry = (type(each), each.pk, each.url_path, above)
        _remember((site_pk, language, tuple(parts[:level])), generation, entry)
        if isinstance(each, RoutablePageMixin) and each.live:
            above = (*above, (level, type(each)))


def _answers(routable_class, parts: list[str]) -> bool:
    """Whether a routable page above would answer this rest of the address itself (it is
    asked before its children, as in ``RoutablePageMixin.route``)."""
    path = "/" + "".join(part + "/" for part in parts)
    try:
        routable_class.get_resolver().resolve(path)
    except Http404:
        return False
    return True


def _find(site_pk, language, parts: list[str], generation):
    """The deepest remembered page on the way to this address, and how many parts led there."""
    if _memory_generation[0] != generation:
        return None
    for cut in range(min(len(parts), MAX_DEPTH), -1, -1):
        entry = _memory.get((site_pk, language, tuple(parts[:cut])))
        if entry is not None:
            return entry, cut
    return None


def _replay(request, entry, parts: list[str], rest: list[str]):
    """Wagtail's answer, routed on from the remembered page; None when the memory does not
    fit (a routable page above would answer, the page moved or is gone), False for 404."""
    model, pk, url_path, above = entry
    if any(_answers(routable_class, parts[level:]) for level, routable_class in above):
        return None
    page = _page(model, pk, chrome.generation())
    if page is None:
        return None
    if page.url_path != url_path:
        return None
    try:
        return page.route(request, rest)
    except Http404:
        return False


def _row(pk) -> tuple | None:
    """The page's ``(url_path, live)`` as the database has them: one plain query, which
    catches a page renamed, moved or unpublished behind the signals' back (a queryset
    update, a script) whatever this process keeps."""
    table = connection.ops.quote_name(Page._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT url_path, live FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _page(model, pk, generation):
    """The page ``pk``, from this process's copy while the generation lasts and its row
    agrees, else read (with its locale: every page asks for its language while it renders);
    None when gone."""
    # Without a shared cache another process's change (a page published by the task worker
    # or a command) starts a new generation there only: the page is read every time.
    shared = getattr(settings, "CACHE_SHARED_BY_PROCESSES", False)
    if shared and _memory_generation[0] == generation:
        kept = _pages.get((model, pk))
        if kept is not None:
            page = pickle.loads(kept)  # noqa: S301 - written by this process, below
            row = _row(pk)
            if row is None:
                return None
            if (page.url_path, bool(page.live)) == (row[0], bool(row[1])):
                return page
    page = model._default_manager.select_related("locale").filter(pk=pk).first()
    if page is not None and shared and chrome.settled():
        with _lock:
            if _memory_generation[0] == generation:
                if len(_pages) >= MAX_ENTRIES:
                    _pages.clear()
                _pages[(model, pk)] = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
    return page


def _remember(key: tuple, generation, entry: tuple) -> None:
    if not chrome.settled():  # a page changed in this transaction may yet be rolled back
        return
    with _lock:
        if _memory_generation[0] != generation:
            _memory.clear()
            _pages.clear()
            _memory_generation[0] = generation
        if len(_memory) >= MAX_ENTRIES:
            _memory.clear()
        _memory[key] = entry


def forget_all() -> None:
    """Empty the memory of this process (tests)."""
    with _lock:
        _memory.clear()
        _pages.clear()
        _memory_generation[0] = None


class RouteMemoMiddleware:
    """Answers Wagtail's routing from memory (see the module); last in ``MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or hasattr(request, "_wagtail_route_for_request"):
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        site = Site.find_for_request(request)
        if site is None:
            return None
        parts = [part for part in path.split("/") if part]
        generation = chrome.generation()
        language = translation.get_language()
        found = _find(site.pk, language, parts, generation)
        if found is not None:
            entry, cut = found
            result = _replay(request, entry, parts, parts[cut:])
            if result is not None:
                # Wagtail's serve view takes the route from here (Page.route_for_request)
                request._wagtail_route_for_request = result or None
                if result and result[0].pk != entry[1]:  # walked on below the remembered page
                    _record(site.pk, language, parts, result[0], generation, cut, entry[3])
                return None
        result = Page.route_for_request(request, path)
        if result is not None:
            _record(site.pk, language, parts, result[0], generation)
        return None
