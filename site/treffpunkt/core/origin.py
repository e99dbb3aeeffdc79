"""Websocket handshakes are accepted only from pages of the site itself.

A browser sends the page's origin with every websocket handshake; a page on another host
(``http://evil.localhost:8000``) or a malformed origin (``https://``, no host) must not open
a socket that carries the visitor's session. The origin must equal the address the socket
was opened on: same scheme (``https`` for ``wss``, as uvicorn reports it from a trusted
proxy), same host name and the same port, and that host must be one this deployment serves
(``ALLOWED_HOSTS``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            try:
                return value.decode("ascii")
            except UnicodeDecodeError:
                return None
    return None


def _origin_parts(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def origin_allowed(scope) -> bool:
    """Whether the handshake's Origin is exactly the site the socket was opened on."""
    origin = _header(scope, b"origin")
    host = _header(scope, b"host")
    if not origin or not host:
        return False
    found = _origin_parts(origin)
    if found is None:
        return False
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    name, port = split_domain_port(host)
    if not name or not validate_host(name, settings.ALLOWED_HOSTS):
        return False
    try:
        port_number = int(port) if port else _DEFAULT_PORTS[scheme]
    except ValueError:
        return False
    return found == (scheme, name.lower(), port_number)


class ExactOriginValidator:
    """ASGI middleware for the websocket router: refuses handshakes from any other origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket" and not origin_allowed(scope):
            from channels.security.websocket import WebsocketDenier

            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
