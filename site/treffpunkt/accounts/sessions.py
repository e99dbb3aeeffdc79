"""Sessions in the shared cache and the database (Django's ``cached_db``), read in the round
trip that finds the request's site (:mod:`treffpunkt.core.prefetch`).

A signed-in person's session was the second round trip to Redis on every page they open.
Its cache key is named by the session cookie, so it joins the first one; whatever the store
would have read there is what it gets, and a session not found there is looked up as Django
does (cache, then database).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from treffpunkt.core import prefetch

#: what Django's session keys look like (others are never looked up here)
_SESSION_KEY = re.compile(r"[a-z0-9]{32}")


class SessionStore(cached_db.SessionStore):
    def load(self):
        key = self.cache_key
        found = prefetch.fetched([key])
        if found and key in found and isinstance(found[key], dict):
            prefetch.forget(key)  # read once: a second store of this session asks anew
            return dict(found[key])
        return super().load()

    def save(self, must_create=False):
        super().save(must_create)
        prefetch.forget(self.cache_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super().delete(session_key)
        if key:
            prefetch.forget(self.cache_key_prefix + key)

    # Django's async methods do not call the ones above: they forget the value read in the
    # first round trip too, so that a later load in this request does not get it
    async def asave(self, must_create=False):
        await super().asave(must_create)
        prefetch.forget(await self.acache_key())

    async def adelete(self, session_key=None):
        key = session_key or self.session_key
        await super().adelete(session_key)
        if key:
            prefetch.forget(self.cache_key_prefix + key)


def session_keys(request, site_pk, user_pk) -> list[str]:
    """The session's cache key (a provider of :mod:`treffpunkt.core.prefetch`)."""
    if __name__ != settings.SESSION_ENGINE or settings.SESSION_CACHE_ALIAS != "default":
        return []
    session_key = prefetch.session_key_of(request)
    if session_key is None or not _SESSION_KEY.fullmatch(session_key):
        return []
    return [cached_db.KEY_PREFIX + session_key]


prefetch.register(session_keys)
