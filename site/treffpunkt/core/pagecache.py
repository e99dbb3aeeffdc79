"""A cache of public pages for visitors who are not logged in.

Most visits to a town's site are anonymous reads of the same pages: the home page, the
calendar, an event, a working group. Those answers are kept in the cache (Redis when
`REDIS_URL` is set, else the process's memory) and served without rendering again.

- Only GET and HEAD requests without a session or messages cookie and without htmx are
  served from the cache or stored; anyone logged in always gets a freshly rendered page.
- Only complete HTML answers with status 200 are stored, and only when the view changed
  no session, queued no message and asked for no private caching.
- Forms stay usable: the CSRF tokens in a stored page are replaced, on every hit, by tokens
  of the visitor's own CSRF cookie (which is set when missing), and each one-time
  ``submission`` token by a new random one.
- Nonces stay single-use: the Content-Security-Policy header is not stored; a stored page
  that carries the CSP nonce of the answer it was rendered for gets, on every hit, a fresh
  nonce in its HTML, which the CSP middleware then puts into the header of this answer.
- Any change to site content (a page published, an organisation edited, a registration
  taking a place, a site setting saved) starts a new generation: every stored page is
  rendered again on its next visit. `PAGE_CACHE_IGNORE` names the apps and models whose
  changes never show on public pages (sessions, admin logs...); plugins declare theirs in
  `PluginConfig.page_cache_ignore` (chat messages, newsletter deliveries...).
- Changes that come in crowds (sign-ups during a rush on a festival) renew the pages at
  once and then at most every `PAGE_CACHE_SETTLE` seconds: during a rush of 60 sign-ups a
  second the event page is rendered once in that time, not 60 times, and the places left it
  shows are at most that old (the sign-up itself always counts the places exactly). When such
  a renewal comes, one request renders the page anew and the others meanwhile get the page
  before (``X-Page-Cache: stale``) rather than all rendering it at once; after any other
  change nobody gets the page before.
- Entries expire after `PAGE_CACHE_SECONDS` (0 switches the cache off), so what depends on
  the clock ("upcoming events") or on a change made in another process without a shared
  cache is at most that old.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from . import prefetch
from .generations import pending_committed

T = TypeVar("T")

GENERATION_KEY = "treffpunkt:pagecache:generation"
# How many changes other than a crowd's (see PAGE_CACHE_SETTLE) there have been: a stored page
# of an older generation may stand in while another request renders its successor only when
# no such change came since it was rendered.
FIRM_KEY = "treffpunkt:pagecache:firm"
# Held (per page) by the one request that renders a page anew after a crowd's change.
RENDERING_SECONDS = 10
# changes of PAGE_CACHE_SETTLE models: when one last renewed the pages, and (while set) that
# a later one is waiting for its renewal, with the seconds it waits
SETTLED_KEY = "treffpunkt:pagecache:settled"
WAITING_KEY = "treffpunkt:pagecache:waiting"
HEADER = "X-Page-Cache"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
# A form's one-time submission token (events' sign-up forms): new on every hit as well.
_SUBMISSION_INPUT = re.compile(rb'(name="submission" value=")[A-Za-z0-9_-]+(")')
# Headers that belong to one answer only; the middlewares above set them again on a hit.
_SKIPPED_HEADERS = {
    "set-cookie",
    "content-length",
    "date",
    "content-security-policy",
    "content-security-policy-report-only",
    HEADER.lower(),
}


def seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0))


def generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def content_changed(crowd: bool = False) -> None:
    """Start a new generation: every stored page is rendered again on its next visit.

    Call it after changes that bypass model signals (``QuerySet.update``). ``crowd``: a change
    of the kind that comes in crowds (places taken during a rush), after which the page before
    may be served while one request renders the new one; after any other change (an edit, a
    restriction, an unpublished page) nobody gets the page before."""
    if not crowd:  # counted with the page cache off too: see keep()
        try:
            cache.incr(FIRM_KEY)
        except ValueError:  # none yet (or it expired): any new number will do
            cache.set(FIRM_KEY, _fresh(), timeout=None)
        prefetch.forget(FIRM_KEY)  # read anew by the rest of this request
    if not seconds():
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # none yet (or it expired)
        cache.set(GENERATION_KEY, 1, timeout=None)


def _fresh() -> int:
    return secrets.randbits(52) + 1


#: what :func:`keep` kept, as this process last read or computed it: key -> (firm
#: generation, deadline, value); the least recently used go first
KEPT_IN_PROCESS = 256
_kept: OrderedDict[str, tuple[int, float, object]] = OrderedDict()
_kept_lock = threading.Lock()


def keep(key: str, compute: Callable[[], T], seconds_for: Callable[[T], float]) -> T:
    """``compute()``, kept in the cache under ``key`` until content changes (any change the
    page cache notices but a crowd's sign-ups) or ``seconds_for(value)`` pass, whichever
    comes first; for what many requests compute alike and only content changes, such as the
    next dates on the calendar. Also with the page cache switched off (members' pages).

    The process keeps its own copy as well, under the same terms: while the generation of
    content changes (read in the request's first round trip) is the one it was kept under
    and its time has not passed, the value is the one kept in the cache, and it is neither
    fetched nor unpacked again (the calendar's year ahead took a fifth of a millisecond to
    unpack on every visit). That copy is shared by this process's requests: a value given
    out is never changed (lists are handed out as copies; keep immutable items).

    Kept only when this request has no change of its own uncommitted (the rows it read may
    yet be rolled back). Personal values need the person in ``key``."""
    # read in the request's first round trip (every request of a page that keeps anything)
    firm = prefetch.read_many([FIRM_KEY]).get(FIRM_KEY)
    if firm is None:
        cache.add(FIRM_KEY, _fresh(), timeout=None)  # the first process to ask wins
        firm = cache.get(FIRM_KEY)
    now = timezone.now().timestamp()
    local = _kept.get(key)
    if local is not None and local[0] == firm and now < local[1]:
        with _kept_lock:  # the most used stay when the oldest go
            if key in _kept:
                _kept.move_to_end(key)
        return _handed_out(local[2])
    # read in the first round trip too when this address asked for it before
    entry = prefetch.read_many([key]).get(key)
    # the deadline by the site's clock too (the cache's own counts real seconds only)
    if entry is not None and entry[0] == firm and now < entry[2]:
        _keep_here(key, firm, entry[2], entry[1])
        return _handed_out(entry[1])
    value = compute()
    timeout = seconds_for(value)
    if timeout >= 1 and pending_committed(lambda func: func is _after_commit):
        deadline = timezone.now().timestamp() + timeout
        cache.set(key, (firm, value, deadline), int(timeout))
        prefetch.forget(key)
        _keep_here(key, firm, deadline, value)
        return _handed_out(value)
    return value


def _keep_here(key: str, firm: int | None, deadline: float, value) -> None:
    if firm is None:  # no generation to check the copy against (the cache lost it at once)
        return
    # requests run in threads of their own (ASGI): one changes the copies at a time
    with _kept_lock:
        _kept[key] = (firm, deadline, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_IN_PROCESS:
            _kept.popitem(last=False)


def _handed_out(value):
    return list(value) if isinstance(value, list) else value


def forget_kept() -> None:
    """Forget this process's copies of what :func:`keep` kept (tests)."""
    with _kept_lock:
        _kept.clear()


def _after_commit() -> None:
    content_changed()


def _after_crowd_commit() -> None:
    content_changed(crowd=True)


def _changed(crowd: bool = False) -> None:
    """A change of content: a new generation now and another once the change is committed.

    The first makes the change visible at once inside its own transaction; the second
    discards pages that another request rendered from the old rows and stored while the
    transaction was still open. One commit callback per transaction is enough."""
    if crowd and not seconds():
        return
    content_changed(crowd)
    connection = transaction.get_connection()
    callback = _after_crowd_commit if crowd else _after_commit
    # one callback per savepoint (a rolled-back savepoint drops its own)
    here = set(connection.savepoint_ids)
    if connection.in_atomic_block and not any(
        (func is _after_commit or func is callback) and sids == here
        for sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(callback, robust=True)


def _now() -> float:
    return time.time()


def _settle_seconds(model) -> float:
    settle = getattr(settings, "PAGE_CACHE_SETTLE", {}) or {}
    return float(settle.get(model._meta.label_lower, 0))


def _settling_change(wait: float) -> None:
    """A change of a crowd model: renew now if the last such renewal is ``wait`` seconds
    old, else leave a note that the next request after that time renews the pages."""
    last = cache.get(SETTLED_KEY)
    if last is None or _now() - last >= wait:
        cache.set(SETTLED_KEY, _now(), timeout=None)
        _changed(crowd=True)
    else:
        # noted once committed, so the renewal cannot render the rows before they are
        transaction.on_commit(lambda: cache.add(WAITING_KEY, wait, timeout=None), robust=True)


def _renew_if_settled(found: dict) -> int:
    """The generation to serve, after renewing the pages for a change that waited."""
    current = found.get(GENERATION_KEY) or 0
    wait = found.get(WAITING_KEY)
    if wait is None or _now() - (found.get(SETTLED_KEY) or 0) < wait:
        return current
    cache.delete(WAITING_KEY)
    cache.set(SETTLED_KEY, _now(), timeout=None)
    content_changed(crowd=True)
    return cache.get(GENERATION_KEY) or current + 1


def _ignored(model) -> bool:
    ignore = {label.lower() for label in getattr(settings, "PAGE_CACHE_IGNORE", ())}
    ignore |= _declared_by_plugins()
    meta = model._meta
    return meta.app_label.lower() in ignore or meta.label_lower in ignore


@functools.cache
def _declared_by_plugins() -> frozenset[str]:
    """What plugins declare in ``PluginConfig.page_cache_ignore`` (fixed per process)."""
    from treffpunkt.plugins import registry

    return frozenset(label.lower() for _plugin, label in registry.declared("page_cache_ignore"))


def _on_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures being loaded
        return
    if _ignored(sender) or made_on_first_use(sender, kwargs):
        return
    wait = _settle_seconds(sender)
    if wait:  # a crowd's change
        if seconds():
            _settling_change(wait)
    else:
        _changed()


def made_on_first_use(sender, kwargs) -> bool:
    """A site's settings made with their defaults when first asked for: nothing shown
    changed (every page, the first after a deployment among them, would otherwise start a
    new generation while it renders)."""
    from wagtail.contrib.settings.models import BaseSiteSetting

    return bool(kwargs.get("created")) and issubclass(sender, BaseSiteSetting)


def _on_m2m_change(sender, action, **kwargs) -> None:
    if action.startswith("post_") and not _ignored(type(kwargs["instance"])):
        _changed()


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="pagecache_post_save")
    post_delete.connect(_on_change, dispatch_uid="pagecache_post_delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="pagecache_m2m_changed")


def _key(request) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "treffpunkt:pagecache:" + hashlib.sha256(raw.encode()).hexdigest()


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
        and "HTTP_HX_REQUEST" not in request.META
    )


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "_queued_messages", None))


class PageCacheMiddleware:
    """Serves and stores public pages; placed right after CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        return _serve(request, _key(request), lambda: self.get_response(request))


def _cacheable(request) -> bool:
    return bool(seconds()) and request.method in ("GET", "HEAD") and _anonymous(request)


def _serve(request, key: str, produce, own: bytes = b"") -> HttpResponse:
    """The stored answer under ``key`` when it is of the current generation, else the one
    ``produce()`` makes, stored when it may be (with ``own`` written as a placeholder)."""
    found = cache.get_many([GENERATION_KEY, key, SETTLED_KEY, WAITING_KEY, FIRM_KEY])
    current = _renew_if_settled(found)
    firm = found.get(FIRM_KEY) or 0
    entry = found.get(key)
    if entry is not None and len(entry) != 7:
        entry = None  # stored by an older version
    if entry is not None and entry[0] == current:
        return _served(_replay(request, entry, own))
    rendering = key + ":rendering"
    if entry is not None and entry[6] == firm and not cache.add(rendering, 1, RENDERING_SECONDS):
        # Only crowd changes (sign-ups) since this page was rendered, and another request is
        # rendering it anew: the page before, as it would have been a moment ago, instead of
        # every visitor of a rush rendering it at once.
        response = _replay(request, entry, own)
        response[HEADER] = "stale"
        return _served(response)
    try:
        response = _store(request, key, produce(), current, firm, own, entry is not None)
    finally:
        if entry is not None and entry[6] == firm:
            cache.delete(rendering)
    return _served(response)


def _store(request, key, response, current: int, firm: int, own: bytes, had) -> HttpResponse:
    if getattr(response, _SERVED, False):
        return response  # a shared answer (see shared_answer): stored under its own key
    if callable(getattr(response, "render", None)) and not response.is_rendered:
        response.render()
    if request.method != "GET":
        return response
    if not _storable(request, response):
        if had:
            cache.delete(key)  # no page before may stand in for this answer
        return response
    content = response.content
    has_form = _CSRF_INPUT.search(content) is not None
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS
    ]
    nonce = getattr(request, "_csp_nonce", None)  # set by django-csp once the page used it
    nonce = nonce.encode() if isinstance(nonce, str) and nonce.encode() in content else None
    if own:
        content = content.replace(own, _OWN)
    entry = (current, response.status_code, headers, content, has_form, nonce, firm)
    cache.set(key, entry, seconds())
    response[HEADER] = "miss"
    return response


def _served(response) -> HttpResponse:
    setattr(response, _SERVED, True)
    return response


# Marks an answer the page cache has already served or stored (not to be stored again).
_SERVED = "_treffpunkt_page_cache"
# Where a shared answer had the visitor's own part of the address (see shared_answer).
_OWN = b"\x00own\x00"


def shared_answer(request, name: str, own: str, render) -> HttpResponse:
    """One stored answer for many addresses that show the same thing.

    The page after a sign-up has an address of its own for each sign-up (its token), but
    every visitor who is not logged in sees the same page for the same event, language and
    outcome. ``name`` names that page on this host (the view checks the token first and puts
    into ``name`` everything the page shows); ``render()`` makes it when no answer of the
    current generation is stored. The answer gets fresh CSRF tokens and CSP nonce as any page
    from the cache, and is not stored again under the visitor's own address. ``own`` is the
    part of the address that is the visitor's (the token): links to this address in other
    languages carry it, so it is stored as a placeholder and each visitor gets their own back.
    Logged-in visitors (and a cache switched off) always get ``render()``."""
    if not _cacheable(request) or not own:
        return render()
    raw = f"{request.scheme}://{request.get_host()}|{name}"
    key = "treffpunkt:pagecache:shared:" + hashlib.sha256(raw.encode()).hexdigest()
    return _serve(request, key, render, own.encode())


def _replay(request, entry, own: bytes = b"") -> HttpResponse:
    _generation, status, headers, content, has_form, nonce, _firm = entry
    if own:
        content = content.replace(_OWN, own)
    fresh = getattr(request, "csp_nonce", None)
    if nonce and fresh is not None:
        # a fresh nonce for this answer (django-csp adds it to the header it writes)
        content = content.replace(nonce, str(fresh).encode())
    if has_form:
        # each form gets a fresh token of this visitor's secret; get_token() also has
        # CsrfViewMiddleware set the cookie when the visitor has none yet
        content = _CSRF_INPUT.sub(
            lambda m: m.group(1) + get_token(request).encode() + m.group(2), content
        )
        content = _SUBMISSION_INPUT.sub(
            lambda m: m.group(1) + secrets.token_urlsafe(24).encode() + m.group(2), content
        )
    response = HttpResponse(content if request.method == "GET" else b"", status=status)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    response[HEADER] = "hit"
    return response
