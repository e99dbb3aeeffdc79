"""Calendar apps' repeated polls of a public feed, answered before Django.

A subscribed calendar asks for its feed again every few minutes, naming the answer it holds
(If-None-Match, If-Modified-Since). Most polls find the feed unchanged, and the answer is a
304 without a body; through Django's middleware that cost as much as a page (sessions,
sites, languages, security headers: about 9 ms with Redis as the cache). Here the web
process's ASGI entry answers such a poll from the same two cache entries the feed view
reads (:func:`treffpunkt.calendar.feeds.feed_response`), in well under a millisecond of
work, and hands every other request to Django unchanged.

It answers only what the view would answer the same way:

- a GET or HEAD of an address ending in ``.ics`` that names a validator;
- a feed the view marked as answerable here: public (no personal feed, nothing that depends
  on who asks) and versioned, so the view itself would have answered from the cache;
- while the feed's version is still trusted (``CALENDAR_FEED_VERSION_SECONDS``): the
  version entry is the view's own, so a change reaches the next poll after the same time as
  through the view, and with the setting at 0 nothing is answered here;
- for the same scheme, Host header, path and query the view saw; a request that differs in
  any of them, or a cache that does not answer, goes to Django.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC
from email.utils import format_datetime

from django.conf import settings
from django.core.cache import cache

from .feeds import (
    PUBLIC_CACHE_CONTROL,
    changed_key,
    is_unchanged,
    poll_address,
    version_hash,
    version_key,
)

logger = logging.getLogger(__name__)


class ConditionalFeedPolls:
    """ASGI middleware around Django's HTTP application (see the module)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        request = _validators(scope) if _may_answer(scope) else None
        if request is not None:
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(None, _not_modified, request)
            if answer is not None:
                await send({"type": "http.response.start", "status": 304, **answer})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)


def _may_answer(scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] in ("GET", "HEAD")
        and scope["path"].endswith(".ics")
        and not scope.get("root_path")
    )


def _validators(scope) -> dict | None:
    """The request's parts the answer depends on, or None when it names no validator."""
    wanted = {b"host", b"if-none-match", b"if-modified-since"}
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    proxy_header = None
    if proxy:
        proxy_header = proxy[0].removeprefix("HTTP_").lower().replace("_", "-").encode()
        wanted.add(proxy_header)
    found: dict[bytes, str] = {}
    for name, value in scope.get("headers", ()):
        if name in wanted:
            text = value.decode("latin-1")
            found[name] = f"{found[name]},{text}" if name in found else text
    if b"if-none-match" not in found and b"if-modified-since" not in found:
        return None
    try:
        query = scope.get("query_string", b"").decode()
    except UnicodeDecodeError:
        return None
    scheme = scope.get("scheme") or "http"
    if proxy and proxy_header in found:
        # as Django's request.scheme reads the proxy's header
        scheme = "https" if found[proxy_header].split(",", 1)[0].strip() == proxy[1] else "http"
    return {
        "where": poll_address(scheme, found.get(b"host", ""), scope["path"], query),
        "if_none_match": found.get(b"if-none-match"),
        "if_modified_since": found.get(b"if-modified-since"),
    }


def _not_modified(request: dict) -> dict | None:
    """The 304's headers when the feed is unchanged for the request, else None."""
    where = request["where"]
    trusted, key = version_key(where), changed_key(where)
    try:
        kept = cache.get_many([trusted, key])
    except Exception:  # the cache is down: Django answers, as it would without this
        logger.warning("feed poll: cache not reachable, answered by Django", exc_info=True)
        return None
    version, seen = kept.get(trusted), kept.get(key)
    if version is None or seen is None or len(seen) != 4:
        return None
    etag, first_seen, known, public = seen
    if not public or known != version_hash(version[0]):
        return None
    if not is_unchanged(etag, first_seen, request["if_none_match"], request["if_modified_since"]):
        return None
    return {
        "headers": [
            (b"etag", etag.encode()),
            (b"last-modified", format_datetime(first_seen.astimezone(UTC), usegmt=True).encode()),
            (b"cache-control", PUBLIC_CACHE_CONTROL.encode()),
            (b"vary", b"Accept-Language, Cookie"),
        ]
    }
