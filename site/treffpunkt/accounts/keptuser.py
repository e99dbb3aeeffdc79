"""The signed-in person's own row, kept by each process between their requests.

Django reads the person's row from the database on every request of a signed-in person
(``django.contrib.auth.get_user``): one query on every page a network member opens, and
members always get a freshly rendered page. Each process keeps a copy of the rows it read
(pickled, so that every request unpacks its own) under the *users generation*, a number
in the shared cache that every save or deletion of a user row renews (a login, a new
password, an account switched off, a name changed). The generation is read in the round
trip that finds the request's site (:func:`treffpunkt.core.middleware.find_site`), so a
warm process serves a member's page without asking for their row.

What Django checks is checked on every request all the same: the session must name the
person and one of the configured backends, the copy must be active, and the session's
hash of the password must match the copy's (else Django's own ``get_user`` decides, with
a fresh row: it flushes a session whose password was changed). A row changed behind the
signals' back (a queryset update, a script) is read again after :data:`MAX_AGE` seconds at
the latest. Without a cache that every process shares (``CACHE_SHARED_BY_PROCESSES``) the
row is read on every request, as Django does.
"""

from __future__ import annotations

import pickle
import threading
import time
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from treffpunkt.core import generations, prefetch

#: renewed by every save or deletion of a user row
USERS_GENERATION = "treffpunkt:generation:users"
generations.known(USERS_GENERATION)
#: seconds a copy serves at most, for a change no signal reported
MAX_AGE = 60
#: people a process keeps at most (the oldest goes first)
MAX_ENTRIES = 5000

_lock = threading.Lock()
#: user pk -> (generation, time kept, pickled row)
_kept: dict = {}


def users_changed(sender=None, **kwargs) -> None:
    """A user row was saved or deleted: no process serves its copies of before."""
    generations.bump(USERS_GENERATION)


def connect() -> None:
    from django.contrib.auth import get_user_model

    generations.connect_saved_and_deleted(users_changed, [get_user_model()], uid="kept_users")


def users_generation() -> int:
    """The users generation, once a request (seeded by the site's lookup)."""
    return generations.read_once(USERS_GENERATION)


def _session_user(request) -> tuple | None:
    """The person's key, backend and password hash as the session names them, or None."""
    session = request.session
    try:
        pk = auth._get_user_session_key(request)  # noqa: SLF001 - Django's own reading
        backend = session[auth.BACKEND_SESSION_KEY]
    except (KeyError, ValueError, TypeError):
        return None
    if backend not in settings.AUTHENTICATION_BACKENDS:
        return None
    return pk, session.get(auth.HASH_SESSION_KEY)


def get_user(request):
    """``django.contrib.auth.get_user(request)``, with the person's row from this process's
    copy while the users generation lasts (see the module)."""
    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return auth.get_user(request)
    named = _session_user(request)
    if named is None:
        return auth.get_user(request)
    pk, session_hash = named
    generation = users_generation()
    kept = _kept.get(pk)
    if kept is not None and kept[0] == generation and time.monotonic() - kept[1] < MAX_AGE:
        user = pickle.loads(kept[2])  # noqa: S301 - written by this process, below
        if (
            user.is_active
            and session_hash
            and constant_time_compare(session_hash, user.get_session_auth_hash())
        ):
            return user
    user = auth.get_user(request)
    if user.is_authenticated and user.pk == pk and generations.settled():
        copy = pickle.dumps(user, protocol=pickle.HIGHEST_PROTOCOL)
        with _lock:
            if len(_kept) >= MAX_ENTRIES:
                del _kept[next(iter(_kept))]
            _kept[pk] = (generation, time.monotonic(), copy)
    return user


def forget_all() -> None:
    """Empty this process's copies (tests)."""
    with _lock:
        _kept.clear()


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
        # whom the next request with this cookie is for, as this process guesses
        prefetch.person_found(prefetch.session_key_of(request), request._cached_user.pk)
    return request._cached_user


class KeptUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware``, whose ``request.user`` comes from
    :func:`get_user` (see the module)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(partial(_cached_user, request))
