"""Live chat: 200 websocket clients in one room.

1. p99 delivery latency on one server process, for uvicorn and for daphne (target: < 100 ms);
2. delivery across two uvicorn processes sharing Redis: every message reaches every client.

Sets up its own PostgreSQL database and Redis db, starts the servers on loopback ports,
and stops them at the end. Clients and the sender run in this process, so send and receive
times come from one clock. Run: ``.venv/bin/python bench/bench_chat.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1] / "site"),
    str(Path(__file__).resolve().parents[1]),
]

from bench.common import ROOT, ensure_database, table, write_result  # noqa: E402

DB_URL = os.environ.get(
    "BENCH_CHAT_DATABASE_URL",
    "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_chat_bench",
)
REDIS_URL = os.environ.get("BENCH_CHAT_REDIS_URL", "redis://127.0.0.1:6379/6")
VAR_DIR = Path(os.environ.get("BENCH_CHAT_VAR_DIR", "/tmp/chat-bench-var"))
CLIENTS = 200
MESSAGES = 100
SEND_INTERVAL = 0.05  # 20 messages a second into a room of 200
SECRET = secrets.token_urlsafe(40)

ENV = {
    **os.environ,
    "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
    "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
    "DATABASE_URL": DB_URL,
    "SECRET_KEY": SECRET,
    "TREFFPUNKT_VAR_DIR": str(VAR_DIR),
    "REQUIRE_MFA_FOR_PUBLISHERS": "false",
    # the sender writes faster than a person may
    "TREFFPUNKT_PLUGINS_CONFIG": json.dumps(
        {"chat": {"RATE_LIMIT_MESSAGES": 100000, "RATE_LIMIT_SECONDS": 1}}
    ),
}
ENV.pop("REDIS_URL", None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_data() -> tuple[int, list[str]]:
    """Migrate, then a site, a network room and CLIENTS members with a session each."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    ensure_database(DB_URL)
    subprocess.run(
        [sys.executable, "site/manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=ENV,
        check=True,
    )
    os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from wagtail.models import Page, Site

    from plugins.chat.models import Message, Room
    from treffpunkt.accounts.roles import ensure_site_roles

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="127.0.0.1",
            port=80,
            root_page=Page.get_first_root_node(),
            is_default_site=True,
        )
    room, _ = Room.objects.get_or_create(site=site, kind="network", defaults={"title": "Bench"})
    Message.objects.filter(room=room).delete()
    members = ensure_site_roles(site).members  # the network members of this town
    User = get_user_model()
    cookies = []
    for n in range(CLIENTS):
        user, created = User.objects.get_or_create(
            email=f"bench{n}@example.org", defaults={"first_name": f"Bench{n}"}
        )
        if created:
            user.groups.add(members)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"sessionid={session.session_key}")
    return room.pk, cookies


class Server:
    def __init__(self, kind: str, redis: bool):
        self.kind, self.port = kind, free_port()
        self.env = {**ENV, **({"REDIS_URL": REDIS_URL} if redis else {})}

    def __enter__(self):
        module = ["uvicorn", "treffpunkt.asgi:application", "--port", str(self.port)]
        module += ["--lifespan", "off", "--ws-per-message-deflate", "false"]  # as in Procfile
        if self.kind == "daphne":
            module = ["daphne", "-p", str(self.port), "treffpunkt.asgi:application"]
        cmd = [sys.executable, "-m", *module]
        cmd += (
            ["--host", "127.0.0.1", "--log-level", "warning"]
            if self.kind == "uvicorn"
            else ["-b", "127.0.0.1", "-v", "0"]
        )
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.kind} did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def run(room_id: int, cookies: list[str], ports: list[int]) -> dict:
    import websockets

    latencies: list[float] = []
    received = 0
    done = asyncio.Event()
    expected = CLIENTS * MESSAGES

    handshakes = asyncio.Semaphore(10)  # a crowd arriving, not a thundering herd

    async def connect(port: int, cookie: str):
        for attempt in range(5):
            try:
                async with handshakes:
                    return await websockets.connect(
                        f"ws://127.0.0.1:{port}/ws/chat/rooms/{room_id}/",
                        additional_headers={"Cookie": cookie},
                        origin=f"http://127.0.0.1:{port}",
                        max_queue=None,
                        open_timeout=60,
                    )
            except (OSError, websockets.InvalidHandshake, TimeoutError):
                await asyncio.sleep(0.5 * (attempt + 1))
        raise RuntimeError("could not connect")

    async def client(ws):
        nonlocal received
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "message" and event["message"]["text"].startswith("bench "):
                latencies.append(time.perf_counter() - float(event["message"]["text"].split()[1]))
                received += 1
                if received == expected:
                    done.set()

    sockets = await asyncio.wait_for(
        asyncio.gather(*(connect(ports[n % len(ports)], c) for n, c in enumerate(cookies))), 300
    )
    tasks = [asyncio.create_task(client(ws)) for ws in sockets]
    print(f"  {len(sockets)} clients connected", file=sys.stderr, flush=True)
    await asyncio.sleep(5)  # let the arrivals' presence messages settle

    async with websockets.connect(
        f"ws://127.0.0.1:{ports[0]}/ws/chat/rooms/{room_id}/",
        additional_headers={"Cookie": cookies[0]},
        origin=f"http://127.0.0.1:{ports[0]}",
        max_queue=None,
        open_timeout=60,
    ) as sender:
        started = time.perf_counter()
        for _ in range(MESSAGES):
            await sender.send(
                json.dumps({"type": "send", "text": f"bench {time.perf_counter():.6f}"})
            )
            await asyncio.sleep(SEND_INTERVAL)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 30)
        elapsed = time.perf_counter() - started
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {
        "delivered": received,
        "expected": expected,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "max": ordered[-1] * 1000 if ordered else float("nan"),
        "mean": statistics.fmean(ordered) * 1000 if ordered else float("nan"),
        "rate": received / elapsed,
    }


def main() -> None:
    room_id, cookies = setup_data()
    rows = []
    setups = [("uvicorn", 1), ("daphne", 1), ("uvicorn", 2)]
    for kind, processes in setups:
        name = f"{kind}, {processes} process{'es' if processes > 1 else ''}, " + (
            "Redis layer" if processes > 1 else "in-memory layer"
        )
        print(name, file=sys.stderr, flush=True)
        servers = [Server(kind, redis=processes > 1) for _ in range(processes)]
        try:
            for server in servers:
                server.__enter__()
            result = asyncio.run(run(room_id, cookies, [s.port for s in servers]))
        except Exception as exc:  # noqa: BLE001 - a failed setup is reported, not hidden
            result = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"  failed: {result['error']}", file=sys.stderr, flush=True)
        finally:
            for server in servers:
                if hasattr(server, "proc"):
                    server.__exit__(None, None, None)
        rows.append((name, result))

    headers = [
        "setup",
        "clients",
        "messages",
        "delivered",
        "p50 ms",
        "p99 ms",
        "max ms",
        "deliveries/s",
    ]
    body = [
        [
            name,
            CLIENTS,
            MESSAGES,
            f"{r['delivered']}/{r['expected']}",
            f"{r['p50']:.1f}",
            f"{r['p99']:.1f}",
            f"{r['max']:.1f}",
            f"{r['rate']:.0f}",
        ]
        if "error" not in r
        else [name, CLIENTS, MESSAGES, r["error"], "", "", "", ""]
        for name, r in rows
    ]
    text = table(headers, body)
    text += (
        f"\n\n{MESSAGES} messages, one every {SEND_INTERVAL * 1000:.0f} ms, into one room of "
        f"{CLIENTS} connected members; latency is from the sender's send to each client's "
        "receipt (the message is stored in PostgreSQL before it is broadcast). Target: p99 "
        "under 100 ms on one process; across two processes every message reaches every client. "
        "uvicorn runs as in the Procfile (websocket compression off), daphne with its defaults; "
        "the single process uses the in-memory layer of treffpunkt.core.layers."
    )
    write_result("chat", "Live chat: 200 websocket clients in one room", text)


if __name__ == "__main__":
    main()
