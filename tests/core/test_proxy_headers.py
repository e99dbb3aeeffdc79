"""Forwarded headers over a real socket: uvicorn as the Procfile runs it (``--proxy-headers
--forwarded-allow-ips $FORWARDED_ALLOW_IPS``), one reverse proxy trusted.

Seen from the outside through a per-IP limit (the newsletter form's, two posts an hour
here): behind the trusted proxy each visitor counts on their own, so a second visitor is not
blocked by the first; a client that talks to the server directly and sends
``X-Forwarded-For``/``X-Forwarded-Proto``/``X-Forwarded-Host`` of its choosing changes
nothing: a new invented address per request still counts as the one real peer, and the
invented scheme and host do not reach the application.

The peers are real loopback addresses: the proxy connects from 127.0.0.2, the untrusted
client from 127.0.0.3 (Linux routes all of 127.0.0.0/8 to the loopback interface).
"""

from __future__ import annotations

import http.client
import re
import shlex
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import free_port

pytestmark = pytest.mark.django_db(transaction=True)

PROXY, STRANGER = "127.0.0.2", "127.0.0.3"
HOST = "beckum.test"
ROOT = Path(__file__).resolve().parents[2]


def _procfile_web_options() -> dict[str, str | bool]:
    """The options the Procfile's web role gives uvicorn (the test runs the same ones)."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    words = shlex.split(line.split("uvicorn", 1)[1])
    options: dict[str, str | bool] = {}
    for i, word in enumerate(words):
        if word.startswith("--"):
            following = words[i + 1] if i + 1 < len(words) else "--"
            options[word] = True if following.startswith("--") else following
    return options


@pytest.fixture
def proxied_server(site, settings):
    import uvicorn

    from treffpunkt.asgi import application

    options = _procfile_web_options()
    assert options.get("--proxy-headers") is True
    assert options.get("--forwarded-allow-ips") == "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
    settings.NEWSLETTER_SUBSCRIBE_RATE_IP = (2, 3600)
    settings.NEWSLETTER_SUBSCRIBE_RATE_EMAIL = (1000, 3600)
    port = free_port()
    config = uvicorn.Config(
        application,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        proxy_headers=True,
        forwarded_allow_ips=PROXY,  # FORWARDED_ALLOW_IPS of this deployment
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


class Peer:
    """An HTTP client on its own loopback address, with its own cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, body: str = "", headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        sent = {"Host": HOST, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body or None, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response, text

    def subscribe(self, email: str, forwarded: dict | None = None) -> bool:
        """The newsletter form as a visitor fills it; True when it was accepted."""
        headers = forwarded or {}
        response, html = self.request("GET", "/newsletter/", headers=headers)
        assert response.status == 200, html[:300]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = {"csrfmiddlewaretoken": token, "email": email, "language": "de", "consent": "on"}
        response, html = self.request(
            "POST",
            "/newsletter/",
            urlencode(form),
            headers={**headers, "Referer": f"http://{HOST}/newsletter/"},
        )
        assert response.status in (200, 302), (response.status, html[:300])
        return response.status == 302


def test_a_trusted_proxy_passes_each_visitors_address(proxied_server):
    proxy = Peer(proxied_server, PROXY)
    anna = {"X-Forwarded-For": "203.0.113.10"}
    assert proxy.subscribe("anna1@example.org", anna)
    assert proxy.subscribe("anna2@example.org", anna)
    assert not proxy.subscribe("anna3@example.org", anna)  # Anna's limit, not everyone's
    proxy.cookies.clear()
    ben = {"X-Forwarded-For": "203.0.113.20"}
    assert proxy.subscribe("ben@example.org", ben)


def test_an_untrusted_peer_cannot_choose_its_address(proxied_server, other_site):
    stranger = Peer(proxied_server, STRANGER)
    results = [
        stranger.subscribe(
            f"x{i}@example.org",
            {
                "X-Forwarded-For": f"198.51.100.{i}",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "borken.test",
            },
        )
        for i in range(1, 5)
    ]
    # four invented addresses, one real peer: two accepted, then the peer's limit
    assert results == [True, True, False, False]
    # the attempts were counted under the stranger's real address, not under the invented
    # ones or the proxy's: a visitor behind the proxy is not blocked, the stranger's own
    # address is, whichever way it comes
    proxy = Peer(proxied_server, PROXY)
    assert proxy.subscribe("c@example.org", {"X-Forwarded-For": "198.51.100.1"})
    assert not proxy.subscribe("d@example.org", {"X-Forwarded-For": STRANGER})
    # the invented host did not choose the site: every subscription is Beckum's
    from plugins.newsletter.models import Subscriber

    sites = set(Subscriber.objects.values_list("site__hostname", flat=True))
    assert sites == {HOST}


def test_forwarded_scheme_only_from_the_trusted_proxy(proxied_server):
    """X-Forwarded-Proto: https from the proxy makes the request secure (the CSRF check then
    wants an https Referer); from a stranger it changes nothing."""
    from plugins.newsletter.models import Subscriber

    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.30"}
    proxy = Peer(proxied_server, PROXY)
    response, html = proxy.request("GET", "/newsletter/", headers=https)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urlencode(
        {"csrfmiddlewaretoken": token, "email": "p@example.org", "language": "de", "consent": "on"}
    )
    plain_referer = {**https, "Referer": f"http://{HOST}/newsletter/"}
    response, _ = proxy.request("POST", "/newsletter/", form, headers=plain_referer)
    assert response.status == 403  # an https request with an http Referer
    secure_referer = {**https, "Referer": f"https://{HOST}/newsletter/"}
    response, _ = proxy.request("POST", "/newsletter/", form, headers=secure_referer)
    assert response.status == 302
    assert Subscriber.objects.filter(email="p@example.org").exists()

    stranger = Peer(proxied_server, STRANGER)
    assert stranger.subscribe("s@example.org", {"X-Forwarded-Proto": "https"})
