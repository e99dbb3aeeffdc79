"""Database connections held by one ASGI web process during a rush.

Starts uvicorn (as in the Procfile) against a migrated PostgreSQL database, sends
``--concurrency`` requests at a time to a page that queries the database (``/readyz``) for
``--seconds``, and samples ``pg_stat_activity`` for that database every 50 ms: with
persistent connections per thread (``CONN_MAX_AGE=60``, the first default), with a new
connection per request (``CONN_MAX_AGE=0`` without a pool, the second) and with the pool of
``DATABASE_POOL_SIZE`` connections (the default now). The bound asked for: backends <= 2 x
concurrency per process.

    .venv/bin/python bench/bench_db_connections.py [--concurrency 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def backends(url: str) -> int:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchone()
    return row[0]


WAYS = [
    (
        "persistent per thread (CONN_MAX_AGE=60, no pool)",
        {"CONN_MAX_AGE": "60", "DATABASE_POOL_SIZE": "0"},
    ),
    ("a connection per request (CONN_MAX_AGE=0, no pool)", {"DATABASE_POOL_SIZE": "0"}),
    ("pool of 10 per process (the default)", {}),
]


def run(url: str, label: str, extra: dict, concurrency: int, seconds: float) -> dict:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    for name in ("CONN_MAX_AGE", "DATABASE_POOL_SIZE"):
        env.pop(name, None)
    env.update(extra)
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "treffpunkt.asgi:application", "--port", str(port)]
        + ["--lifespan", "off", "--no-access-log", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}/readyz"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        idle = backends(url)
        stop = time.monotonic() + seconds
        done = [0]
        errors = [0]
        peak = [0]

        def client() -> None:
            while time.monotonic() < stop:
                try:
                    urllib.request.urlopen(base, timeout=30).read()
                    done[0] += 1
                except OSError:
                    errors[0] += 1

        def sampler() -> None:
            while time.monotonic() < stop:
                peak[0] = max(peak[0], backends(url) - idle)
                time.sleep(0.05)

        threads = [threading.Thread(target=client) for _ in range(concurrency)]
        threads.append(threading.Thread(target=sampler))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {
            "connections": label,
            "requests": done[0],
            "req/s": round(done[0] / seconds),
            "errors": errors[0],
            "peak backends": peak[0],
        }
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    from bench.common import PG_URL, ensure_database, table, write_result

    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", PG_URL)
    ensure_database(url)
    subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), "migrate", "--no-input", "-v0"],
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
            "DATABASE_URL": url,
            "REDIS_URL": "",
        },
        check=True,
    )
    rows = [run(url, label, extra, args.concurrency, args.seconds) for label, extra in WAYS]
    limit = 2 * args.concurrency
    ok = rows[-1]["peak backends"] <= limit
    text = table(list(rows[0]), [list(row.values()) for row in rows]) + (
        f"\n\nOne uvicorn process (as in the Procfile), {args.concurrency} requests at a time "
        f"for {args.seconds:.0f} s to /readyz (which queries PostgreSQL); peak of "
        "pg_stat_activity for the database, sampled every 50 ms, over the idle baseline. "
        f"Bound asked for (issue 13): backends <= 2 x concurrency ({limit}) per process: "
        f"{'met' if ok else 'NOT met'} with {rows[-1]['peak backends']} by the default."
    )
    write_result("db_connections", "Database connections of one web process during a rush", text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
