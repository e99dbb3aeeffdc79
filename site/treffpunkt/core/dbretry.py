"""Transient database errors, tried once more where that is safe.

A PostgreSQL connection can go away under a request (a restart, a failover, a connection
terminated by an administrator or a pooler). What failed was rolled back, so a read can
simply run again on a new connection. A write can run again only if it is idempotent:
:func:`retry_once` takes a ``stored`` look-up that finds what the first attempt wrote when
its commit went through but the answer was lost.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver

log = logging.getLogger("treffpunkt.db")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is a lost connection (not a bad query, not a lock timeout)."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    # psycopg does not always mark a connection the server ended as closed: read the error
    cause = error.__cause__ or error
    state = getattr(cause, "sqlstate", None) or ""
    if state.startswith(("08", "57P")):  # connection exception, operator intervention
        return True
    text = str(cause).lower()
    return connection.connection is None or any(
        sign in text
        for sign in ("server closed the connection", "connection is closed", "consuming input")
    )


def retry_once(operation, *args, stored=None):
    """Run ``operation(*args)``; after a lost connection, reconnect and run it once more —
    unless ``stored()`` finds that the first attempt was committed after all (its result)."""
    try:
        return operation(*args)
    except (OperationalError, InterfaceError) as error:
        if not is_transient(error):
            raise
        log.warning("database connection lost (%s); trying once more", str(error)[:120])
        connection.close()
        if stored is not None:
            found = stored()
            if found is not None:
                return found
        return operation(*args)


@receiver(got_request_exception)
def _note_transient(sender, request=None, **kwargs) -> None:
    error = sys.exc_info()[1]
    if request is not None and error is not None and is_transient(error):
        request._transient_db_error = True


class RetryReadsMiddleware:
    """A GET (or HEAD) that failed because the database connection was lost is served once
    more on a new connection, instead of an error page. Outermost but for health checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 500
            and getattr(request, "_transient_db_error", False)
            and request.method in SAFE_METHODS
        ):
            request._transient_db_error = False
            connection.close()
            log.warning("served %s again after a lost database connection", request.path)
            response = self.get_response(request)
        return response
