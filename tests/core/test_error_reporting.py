"""Error reporting: off without SENTRY_DSN; with it, a crash reaches the collector (a real
HTTP server on loopback standing in for Sentry) without personal data."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CRASH = """
import django, sentry_sdk
django.setup()
from django.test import Client, override_settings
from django.urls import path

def boom(request):
    raise RuntimeError("the view broke")

urlpatterns = [path("boom/", boom)]
with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], MIDDLEWARE=[]):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "secret-session-cookie"
    response = client.post(
        "/boom/?token=confirm-token-123",
        {"name": "Amal Haddad", "email": "amal.haddad@example.org"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    print("status", response.status_code)
sentry_sdk.flush(timeout=10)
"""


class Collector(ThreadingHTTPServer):
    def __init__(self):
        self.envelopes: list[bytes] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def run_crash(dsn: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CRASH],
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "SENTRY_DSN": dsn,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_crash_is_reported_without_personal_data():
    collector = Collector()
    thread = threading.Thread(target=collector.serve_forever, daemon=True)
    thread.start()
    try:
        port = collector.server_address[1]
        done = run_crash(f"http://publickey@127.0.0.1:{port}/42")
        assert "status 500" in done.stdout, done.stderr
    finally:
        collector.shutdown()
    sent = b"\n".join(collector.envelopes).decode()
    assert "the view broke" in sent
    assert "RuntimeError" in sent
    for private in (
        "Amal Haddad",
        "amal.haddad@example.org",
        "secret-session-cookie",
        "203.0.113.7",
        "confirm-token-123",
    ):
        assert private not in sent, f"{private!r} was sent to the error collector"


def test_nothing_is_sent_without_a_dsn():
    done = run_crash("")
    assert "status 500" in done.stdout, done.stderr
    # The SDK was never started: no client, so nothing could have been sent.
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();import sentry_sdk;print(sentry_sdk.get_client().is_active())",
        ],
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
            "SENTRY_DSN": "",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.stdout.strip() == "False", check.stderr
