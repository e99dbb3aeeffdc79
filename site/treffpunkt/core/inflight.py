"""Django's ASGI handler, taking turns: a few requests at a time run Django's work.

Django's ASGI handler runs each request's views and middleware in a thread of its own, so a
process under load has as many threads running Python as it has requests open: sixteen
visitors at once, sixteen threads. They all take turns at the one interpreter lock, and
each turn handed over costs; worse, what they share (the active language every
``gettext`` reads, the connection pool, the cache's client) is behind locks that a thread
often holds at the moment it has to give up the interpreter, so the others queue behind it.
Measured on a 2-core machine with 16 connections, the organisation directory cost 50-74 ms
of CPU per answer this way against 37 ms one at a time.

:class:`TakingTurnsASGIHandler` lets ``REQUESTS_IN_FLIGHT`` requests (per process) into
Django's work at once; the others wait their turn in the event loop, which costs nothing.
Reading the request's body and sending the answer (a file download to a slow phone
included) happen outside the turn. A request never waits longer than
``REQUESTS_IN_FLIGHT_WAIT`` seconds: after that it goes in anyway, so that a few slow ones
(an upload to object storage, a long export) delay the others at most that long and never
hold the process up.

It also runs the middleware and the view in one go in the request's thread (see
:meth:`TakingTurnsASGIHandler.get_response_async`).
"""

from __future__ import annotations

import asyncio
import weakref

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

_turns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _semaphore() -> asyncio.Semaphore | None:
    size = getattr(settings, "REQUESTS_IN_FLIGHT", 0)
    if size <= 0:
        return None
    loop = asyncio.get_running_loop()
    found = _turns.get(loop)
    if found is None or found[0] != size:
        found = _turns[loop] = (size, asyncio.Semaphore(size))
    return found[1]


class TakingTurnsASGIHandler(ASGIHandler):
    """Django's ASGI handler with at most ``REQUESTS_IN_FLIGHT`` requests in Django's work
    at once per process (see the module); 0 lets every request in at once."""

    def load_middleware(self, is_async=False):
        # the synchronous chain, whatever Django's ASGI handler asks for (see get_response_async)
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        """The synchronous chain in the request's thread, entered once.

        Every middleware of the site is synchronous. Django's asynchronous chain adapts them
        by leaving the event loop for the outermost, coming back to it for the handler
        inside the innermost, and leaving it again for the view: three hand-overs a request,
        1.2-1.5 ms of CPU of a bare view's 4-6 ms under uvicorn. Here the request's thread
        (its ThreadSensitiveContext, as before) runs the whole chain, as under WSGI."""
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def run_get_response(self, request):
        semaphore = _semaphore()
        if semaphore is None:
            return await super().run_get_response(request)
        wait = getattr(settings, "REQUESTS_IN_FLIGHT_WAIT", 1.0)
        try:
            await asyncio.wait_for(semaphore.acquire(), timeout=wait)
        except TimeoutError:
            # the ones inside are slow: go in beside them rather than wait on
            return await super().run_get_response(request)
        try:
            return await super().run_get_response(request)
        finally:
            semaphore.release()


def get_asgi_application() -> TakingTurnsASGIHandler:
    """``django.core.asgi.get_asgi_application`` with the handler above."""
    import django

    django.setup(set_prefix=False)
    return TakingTurnsASGIHandler()
