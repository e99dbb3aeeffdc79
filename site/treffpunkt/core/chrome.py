"""The shared chrome of every page (main menu, footer links, language links' targets, site
texts, plugin states), kept per site and language in the cache.

Every page, cached or not, for anonymous visitors and members alike, draws the same header
and footer; built from the database they cost about ten queries per render. What they show
depends only on the site, the visitor's language and the published pages and settings, so
it is built once per site and language and kept in the Django cache (Redis when
``REDIS_URL`` is set) under a *generation*. Publishing, unpublishing, moving or deleting a
page, saving a site setting, the menu, a site's texts, a locale, a view restriction, an
image, a document or a plugin's state starts a new generation (at once, and again when the
change is committed, so that no request stores rows read before the commit under the new
generation); an app that keeps its snippets here connects :func:`chrome_changed` to their
saves and deletions. The page routes (:mod:`treffpunkt.core.routing`) and the view restrictions
(:mod:`treffpunkt.core.restrictions`) that each process keeps follow the same generation.

Each process also keeps its own copy of the parts it used for the current generation
(pickled, so that every request unpacks a fresh one): a warm process renders the chrome
without a round trip to Redis but the one for the generation.

Nothing personal is ever kept here: the parts that depend on the visitor (the "current
page" mark of the menu, the signed-in links, the CSRF token, the CSP nonce) are added per
request by the templates and tags that use these values.
"""

from __future__ import annotations

import pickle
import secrets
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .generations import pending_committed
from .pagecache import made_on_first_use
from .requestmemo import forget, memoized, seed

T = TypeVar("T")

GENERATION_KEY = "treffpunkt:chrome:generation"
#: entries outlive no generation; the timeout only bounds what an unused key keeps
TIMEOUT = 24 * 3600


def generation() -> int:
    """The current generation (asked once per request).

    A generation that is missing (a new or emptied cache) starts at a random number, never
    at one used before: processes keep things in their own memory under the generation
    (routes, view restrictions), which must not come back to life after a restart of Redis."""
    return memoized(("chrome-generation",), _current)


def seed_generation(value) -> None:
    """The generation as read together with the request's site (:func:`find_site`): this
    request then asks for it no more. A missing one is left to :func:`generation`."""
    if value is not None:
        seed(("chrome-generation",), value)


def _current() -> int:
    found = cache.get(GENERATION_KEY)
    if found is None:
        cache.add(GENERATION_KEY, _fresh(), timeout=None)  # the first process to ask wins
        found = cache.get(GENERATION_KEY)
    return found if found is not None else 0


def _fresh() -> int:
    return secrets.randbits(52) + 1


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # none yet (or the cache was emptied)
        cache.set(GENERATION_KEY, _fresh(), timeout=None)
    forget("chrome-generation")


def settled() -> bool:
    """Whether this connection has no change of the chrome's models still uncommitted.

    What a process keeps in its own memory for a generation is read only when settled: rows
    read inside a transaction that changed a page or a restriction may yet be rolled back,
    and no new generation would follow the rollback. (Django's test cases run each test in
    a transaction that is never committed; there, what the test's own inner blocks finished
    counts as committed.)"""
    return pending_committed(lambda func: func is _bump)


def chrome_changed(*args, **kwargs) -> None:
    """Something the chrome shows changed: build it again (now and after the commit)."""
    _bump()
    transaction.on_commit(_bump, robust=True)


def cached(part: str, site, language: str, compute: Callable[[], T], *extra) -> T:
    """``compute()`` for this site and language, from the cache while the generation lasts.

    ``compute`` must return nothing personal (it is shared by every visitor of the site)."""
    if site is None or getattr(site, "pk", None) is None:
        return compute()
    suffix = ":".join(str(e) for e in extra)
    key = f"treffpunkt:chrome:{generation()}:{site.pk}:{language}:{part}:{suffix}"
    return memoized(("chrome", key), lambda: _from_cache(key, compute))


_MISSING = object()
#: this process's copies of the parts it used (pickled: every request unpacks its own, so
#: nothing one request changes reaches another), for the current generation only
#: (the chrome of each site and language, and the kept parts of pages: a stream's blocks,
#: the meetings' cards; when full the oldest goes, not all of them)
_LOCAL_ENTRIES = 2000
_local: dict[str, bytes] = {}
_local_generation: list = [None]
_local_lock = threading.Lock()


def _from_cache(key: str, compute: Callable[[], T]) -> T:
    current = generation()
    if _local_generation[0] == current:
        found = _local.get(key)
        if found is not None:
            return pickle.loads(found)  # noqa: S301 - written by this process, below
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    if settled():
        copy = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        # requests run in threads of their own (ASGI): one changes the copy at a time
        with _local_lock:
            if _local_generation[0] != current:
                _local.clear()
                _local_generation[0] = current
            elif len(_local) >= _LOCAL_ENTRIES:
                del _local[next(iter(_local))]  # the oldest kept
            _local[key] = copy
    return value


def _is_chrome_model(sender) -> bool:
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import Locale, Page, PageViewRestriction, Site

    from treffpunkt.plugins.models import PluginSettings

    from .models import NavigationItem, SiteTextTranslation

    return issubclass(
        sender,
        (
            Page,
            Site,
            Locale,
            PageViewRestriction,
            BaseSiteSetting,
            NavigationItem,
            SiteTextTranslation,
            PluginSettings,
            # kept page parts show an image's renditions and alt text, a document's link
            AbstractImage,
            AbstractDocument,
        ),
    )


_senders: dict[type, bool] = {}


def _on_save_or_delete(sender, **kwargs) -> None:
    if made_on_first_use(sender, kwargs):
        return
    known = _senders.get(sender)
    if known is None:
        known = _senders[sender] = _is_chrome_model(sender)
    if known:
        chrome_changed()


def connect_signals() -> None:
    """Renew the chrome on every change it shows (called from the core's ``ready``)."""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_on_save_or_delete, weak=False, dispatch_uid="chrome_saved")
    post_delete.connect(_on_save_or_delete, weak=False, dispatch_uid="chrome_deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(chrome_changed, weak=False, dispatch_uid=f"chrome_{id(signal)}")
    post_delete.connect(_on_rendition_deleted, weak=False, dispatch_uid="chrome_rendition")
    # the groups of a view restriction (treffpunkt.core.restrictions keeps them per generation)
    from django.db.models.signals import m2m_changed
    from wagtail.models import PageViewRestriction

    m2m_changed.connect(
        _on_groups_changed,
        sender=PageViewRestriction.groups.through,
        weak=False,
        dispatch_uid="chrome_restriction_groups",
    )


def _on_rendition_deleted(sender, **kwargs) -> None:
    """Kept page parts show an image by its renditions' addresses: a rendition deleted (its
    image replaced, ``wagtail_update_image_renditions --purge-only``) leaves them pointing
    at a file that is gone. Renditions made on first use change nothing shown."""
    from wagtail.images.models import AbstractRendition

    if issubclass(sender, AbstractRendition):
        chrome_changed()


def _on_groups_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        chrome_changed()
