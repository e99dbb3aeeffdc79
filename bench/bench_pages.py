"""Public pages against a bare Django view, through the same ASGI server, in one run.

Loads the demo into a PostgreSQL database of its own, starts one uvicorn process, finds one
live page of every page type on the Beckum site, and drives each URL with wrk. Reports
requests/s, the ratio to the bare view (target: at least 0.5), SQL queries per page, and the
web process's resident memory (target: under 250 MB).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "site"),
]

from bench.common import PG_URL, ROOT, ensure_database, table, write_result  # noqa: E402

DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
VAR = Path("/tmp/treffpunkt-bench-var")


def env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "TREFFPUNKT_VAR_DIR": str(VAR),
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REQUIRE_MFA_FOR_PUBLISHERS": "false",
        "REDIS_URL": "",
    }


def manage(*args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), *args],
        env=env(),
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


FIND_PAGES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
site = Site.objects.get(is_default_site=True)
seen, urls = set(), []
for page in Page.objects.live().public().descendant_of(site.root_page, inclusive=True).filter(locale__language_code="de").specific().order_by("path"):
    kind = type(page).__name__
    if kind in seen:
        continue
    seen.add(kind)
    urls.append((kind, page.get_url(current_site=site)))
client = Client(raise_request_exception=False)
rows = []
for kind, url in urls:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url, HTTP_HOST="localhost").status_code
    rows.append({"kind": kind, "url": url, "status": status, "queries": len(ctx.captured_queries)})
print("JSON" + json.dumps(rows))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        if shutil.which("wrk") is None:
            subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True
            )
    return shutil.which("wrk")


def wait_until_up(url: str, timeout: float = 180) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {timeout:.0f} s")


def rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    return rss, peak


def wrk(url: str) -> tuple[float, int]:
    out = subprocess.run(
        [ensure_wrk(), "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "-H", "Host: localhost", url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(errors.group(1)) if errors else 0


def main() -> int:
    ensure_database()
    VAR.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--no-input", "-v0")
    manage("load_demo")
    pages = json.loads(manage("shell", "-c", FIND_PAGES, capture=True).split("JSON", 1)[1])

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        env=env(),
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/__bare__")
        bare_rps, _ = wrk(base + "/__bare__")
        rows = [["bare Django view", "/__bare__", f"{bare_rps:.0f}", "1.00", "-", "0"]]
        for page in pages:
            rps, errors = wrk(base + page["url"])
            rows.append(
                [
                    page["kind"],
                    page["url"],
                    f"{rps:.0f}",
                    f"{rps / bare_rps:.2f}",
                    page["queries"],
                    errors,
                ]
            )
        rss, peak = rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)

    text = (
        f"One uvicorn process, wrk with {CONNECTIONS} connections for {DURATION} s per URL, "
        f"PostgreSQL, demo data.\n\n"
        + table(["page type", "url", "req/s", "ratio to bare", "SQL queries", "non-2xx"], rows)
        + f"\n\nWeb process memory after the run: RSS {rss:.0f} MB, peak {peak:.0f} MB (target < 250 MB).\n"
    )
    write_result("pages", "Public pages vs a bare Django view", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
