"""Database connections held by one ASGI web process during a rush.

Starts uvicorn (as in the Procfile) against a migrated PostgreSQL database, sends
``--concurrency`` requests at a time to a page that queries the database (``/readyz``) for
``--seconds``, and samples ``pg_stat_activity`` for that database every 50 ms. Once with
``CONN_MAX_AGE=60`` (persistent connections, the old default) and once with the default
(``CONN_MAX_AGE=0``). The bound asked for: backends <= 2 x concurrency per process.

    BENCH_DATABASE_URL=postgres://…/db .venv/bin/python bench/bench_db_connections.py \
        [--concurrency 8] [--seconds 10]
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


def run(url: str, conn_max_age: str | None, concurrency: int, seconds: float) -> dict:
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
    if conn_max_age is not None:
        env["CONN_MAX_AGE"] = conn_max_age
    else:
        env.pop("CONN_MAX_AGE", None)
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
            "CONN_MAX_AGE": conn_max_age or "0 (default)",
            "requests": done[0],
            "req/s": round(done[0] / seconds),
            "errors": errors[0],
            "peak backends": peak[0],
        }
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    url = os.environ["BENCH_DATABASE_URL"]
    rows = [run(url, age, args.concurrency, args.seconds) for age in ("60", None)]
    print(f"one uvicorn process, {args.concurrency} requests at a time, {args.seconds:.0f} s:")
    for row in rows:
        print("  " + ", ".join(f"{k}: {v}" for k, v in row.items()))
    limit = 2 * args.concurrency
    ok = rows[-1]["peak backends"] <= limit
    print(f"default: peak {rows[-1]['peak backends']} <= {limit} (2 x concurrency): {ok}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
