"""Two real uvicorn processes sharing PostgreSQL and Redis: a message sent through one
reaches the clients of the other, and a restart loses nothing (clients reconnect and
backfill from their last id)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from plugins.chat.models import Room
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set")
    return url


@pytest.fixture
def database_url() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (two processes cannot share the in-memory test database)")
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    """``python -m uvicorn treffpunkt.asgi:application`` on a loopback port."""

    def __init__(self, port: int, env: dict[str, str], log: Path):
        self.port, self.env, self.proc, self.log = port, env, None, log

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "treffpunkt.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--lifespan",
                "off",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                ) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(self.log.read_text()[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def servers(database_url, redis_url, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "0",
    }
    pair = [Server(free_port(), env, tmp_path / f"server-{n}.log") for n in (1, 2)]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def open_socket(port: int, room: Room, cookie: str, after: int | None = None):
    import websockets

    query = f"?after={after}" if after is not None else ""
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/rooms/{room.pk}/{query}",
        additional_headers={"Cookie": cookie},
        origin=f"http://127.0.0.1:{port}",
    )
    hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert hello["type"] == "hello"
    return ws


async def messages(ws, count: int, timeout: float = 10) -> list[dict]:
    found = []
    while len(found) < count:
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if event["type"] == "message":
            found.append(event["message"])
    return found


def test_delivery_across_processes_and_backfill_after_a_restart(
    servers, site, member, other_member
):
    a, b = servers
    room = Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk")
    petra_cookie, olena_cookie = session_cookie(member), session_cookie(other_member)

    async def scenario():
        petra = await open_socket(a.port, room, petra_cookie)
        olena = await open_socket(b.port, room, olena_cookie)
        await petra.send(json.dumps({"type": "send", "text": "über Redis"}))
        [got] = await messages(olena, 1)
        assert got["text"] == "über Redis"
        last_id = got["id"]
        assert (await messages(petra, 1))[0]["id"] == last_id  # her own echo

        # B goes down with Olena connected; Petra keeps writing through A.
        await asyncio.to_thread(b.stop)
        sent = []
        for n in range(5):
            await petra.send(json.dumps({"type": "send", "text": f"während des Neustarts {n}"}))
            sent.append((await messages(petra, 1))[0]["id"])
        await asyncio.to_thread(b.start)

        # Olena's client reconnects to the restarted B with her last id: nothing is lost.
        olena = await open_socket(b.port, room, olena_cookie, after=last_id)
        backfilled = await messages(olena, 5)
        assert [m["id"] for m in backfilled] == sent
        # and live delivery across the processes works again
        await olena.send(json.dumps({"type": "send", "text": "wieder da"}))
        assert (await messages(petra, 1))[0]["text"] == "wieder da"
        await petra.close()
        await olena.close()

    try:
        asyncio.run(scenario())
    except BaseException:
        for server in servers:  # what the servers said helps more than the client's error
            print(server.log.read_text()[-3000:] if server.log.exists() else "")
        raise
