"""The real web server (uvicorn, as the Procfile runs it) in a subprocess, on the test database.

For tests that must see what a socket, a redirect or a cookie does: the test client alone hides
them. PostgreSQL only (the server process needs the test database over the network)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def start(
    port: int, *, app_name: str = "treffpunkt-test-server", extra_env: dict | None = None
) -> subprocess.Popen:
    """uvicorn on 127.0.0.1:``port`` with tests/fault_settings.py; its PostgreSQL connections
    carry ``app_name`` (libpq reads PGAPPNAME), so a test can pick them out."""
    env = {
        **os.environ,
        "PGAPPNAME": app_name,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": "",
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "ERROR",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "treffpunkt.asgi:application", "--port", str(port)]
        + ["--lifespan", "off", "--no-access-log", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )


def wait_until_ready(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()  # noqa: S310 - loopback
            return
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)


@contextmanager
def running(*, app_name: str = "treffpunkt-test-server"):
    """Start the server, wait for it, yield its base URL; stop it afterwards."""
    port = free_port()
    server = start(port, app_name=app_name)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base)
        yield base
    finally:
        server.terminate()
        server.wait(15)
