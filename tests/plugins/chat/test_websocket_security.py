"""Websocket handshakes against a real uvicorn: the Origin must be exactly the site's own
(scheme, host and port), and staff whose session has not passed the second factor are refused
(chat moderation shows every member's messages)."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.test import Client

from plugins.chat.models import Room
from tests.conftest import force_login_password_only

pytestmark = [pytest.mark.django_db(transaction=True)]


def _cookie(user, second_factor: bool = True) -> str:
    client = Client()
    if second_factor:
        client.force_login(user)  # (tests' force_login: a full sign-in, second factor passed)
    else:
        force_login_password_only(client, user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _handshake(url: str, cookie: str, origin: str | None) -> str:
    """'hello' when the socket opened and the room greeted, else why it was refused."""
    import websockets

    async def go() -> str:
        headers = {"Cookie": cookie}
        if origin is not None:
            headers["Origin"] = origin
        try:
            async with websockets.connect(url, additional_headers=headers, open_timeout=20) as ws:
                return json.loads(await asyncio.wait_for(ws.recv(), 20))["type"]
        except websockets.exceptions.InvalidStatus as refused:
            return f"refused {refused.response.status_code}"
        except websockets.exceptions.ConnectionClosed as closed:
            return f"closed {closed.rcvd.code if closed.rcvd else None}"

    return asyncio.run(go())


@pytest.fixture
def room(site) -> Room:
    return Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk Beckum")


def test_origin_must_match_scheme_host_and_port_exactly(asgi_server, room, member):
    port = asgi_server.rsplit(":", 1)[1]
    url = f"ws://localhost:{port}/ws/chat/rooms/{room.pk}/"
    cookie = _cookie(member)
    assert _handshake(url, cookie, f"http://localhost:{port}") == "hello"
    for origin in [
        f"http://evil.localhost:{port}",
        "https://",
        "http://",
        "null",
        f"https://localhost:{port}",
        f"http://localhost:{int(port) + 1}",
        "http://localhost",
        f"http://localhost:{port}.evil.example",
        f"http://user@localhost:{port}",
        None,
    ]:
        assert _handshake(url, cookie, origin).startswith("refused 403"), origin


def test_staff_socket_needs_the_second_factor_of_this_session(asgi_server, room, manager, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = True
    port = asgi_server.rsplit(":", 1)[1]
    url = f"ws://localhost:{port}/ws/chat/rooms/{room.pk}/"
    origin = f"http://localhost:{port}"
    assert _handshake(url, _cookie(manager, second_factor=False), origin) == "refused 403"
    assert _handshake(url, _cookie(manager, second_factor=True), origin) == "hello"
