"""The web process lets a few requests at a time into Django's work
(treffpunkt.core.inflight); the others wait their turn, never longer than the wait allowed."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import AsyncToSync
from asgiref.testing import ApplicationCommunicator
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from treffpunkt.core.inflight import TakingTurnsASGIHandler


class Recorder:
    """Stands in for Django's work: counts how many requests are in it at once."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.inside = 0
        self.most = 0

    async def visit(self, request):
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.inside -= 1
        return HttpResponse("ok")


async def _rush(monkeypatch, seconds: float, visitors: int = 6) -> Recorder:
    recorder = Recorder(seconds)

    async def work(handler, request):
        return await recorder.visit(request)

    monkeypatch.setattr(TakingTurnsASGIHandler, "get_response_async", work)
    handler = TakingTurnsASGIHandler()
    request = RequestFactory().get("/")
    answers = await asyncio.gather(*(handler.run_get_response(request) for _ in range(visitors)))
    assert [a.status_code for a in answers] == [200] * visitors
    return recorder


def test_the_site_is_served_by_the_handler_that_takes_turns():
    from treffpunkt.asgi import django_asgi_app

    assert isinstance(django_asgi_app, TakingTurnsASGIHandler)


@pytest.mark.asyncio
async def test_at_most_so_many_requests_are_in_djangos_work_at_once(settings, monkeypatch):
    settings.REQUESTS_IN_FLIGHT = 2
    settings.REQUESTS_IN_FLIGHT_WAIT = 5.0
    recorder = await _rush(monkeypatch, seconds=0.05)
    assert recorder.most == 2
    assert recorder.inside == 0


@pytest.mark.asyncio
async def test_slow_requests_hold_nobody_up_longer_than_the_wait(settings, monkeypatch):
    settings.REQUESTS_IN_FLIGHT = 1
    settings.REQUESTS_IN_FLIGHT_WAIT = 0.05
    loop = asyncio.get_running_loop()
    started = loop.time()
    recorder = await _rush(monkeypatch, seconds=0.5)
    # everyone went in after the wait instead of one after the other (3 s)
    assert recorder.most == 6
    assert loop.time() - started < 2.0


@pytest.mark.asyncio
async def test_a_turn_is_given_back_when_the_request_fails(settings, monkeypatch):
    settings.REQUESTS_IN_FLIGHT = 1
    settings.REQUESTS_IN_FLIGHT_WAIT = 5.0

    async def failing(handler, request):
        raise RuntimeError("the view broke")

    monkeypatch.setattr(TakingTurnsASGIHandler, "get_response_async", failing)
    handler = TakingTurnsASGIHandler()
    request = RequestFactory().get("/")
    for _ in range(3):  # with the turn kept, the second would wait the whole 5 s
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(handler.run_get_response(request), timeout=1.0)


@pytest.mark.asyncio
async def test_zero_lets_everyone_in_at_once(settings, monkeypatch):
    settings.REQUESTS_IN_FLIGHT = 0
    recorder = await _rush(monkeypatch, seconds=0.05)
    assert recorder.most == 6


def _where(request):
    return HttpResponse(str(threading.get_ident()))


urlpatterns = [path("wo/", _where)]


@pytest.mark.asyncio
async def test_the_middleware_and_the_view_run_in_the_requests_thread_entered_once(
    settings, monkeypatch
):
    """No hand-over back to the event loop inside a request: the synchronous chain runs as
    one piece (Django's asynchronous chain came back to the loop for its inner handler)."""
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [
        "treffpunkt.core.health.HealthCheckMiddleware",  # synchronous only, as most are
        "django.middleware.common.CommonMiddleware",
    ]
    handler = TakingTurnsASGIHandler()
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
    back_to_the_loop = []
    original = AsyncToSync.__call__

    def counting(self, *args, **kwargs):
        back_to_the_loop.append(self.awaitable)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counting)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/wo/",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"beckum.test")],
        "client": ("127.0.0.1", 40000),
        "server": ("beckum.test", 80),
    }
    visit = ApplicationCommunicator(handler, scope)
    await visit.send_input({"type": "http.request", "body": b""})
    start = await visit.receive_output(timeout=10)
    body = await visit.receive_output(timeout=10)
    assert start["status"] == 200 and int(body["body"]) != threading.get_ident()
    assert back_to_the_loop == []
