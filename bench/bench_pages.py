"""Public pages against a bare Django view, through the same ASGI server, in one run.

Loads the demo into a PostgreSQL database of its own, starts one uvicorn process, finds one
live page of every page type on the Beckum site, and drives each URL with wrk. Reports
requests/s, the ratio to the bare view (target: at least 0.5), SQL queries per page, and the
web process's resident memory (target: under 250 MB).
"""

from __future__ import annotations

import contextlib
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


def manage(*args: str, capture: bool = False, extra: dict | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), *args],
        env={**env(), **(extra or {})},
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
client = Client(raise_request_exception=False)
seen, rows = set(), []
# the first page of each type that an anonymous visitor may read (members-only pages redirect)
for page in Page.objects.live().public().descendant_of(site.root_page, inclusive=True).filter(locale__language_code="de").specific().order_by("path"):
    kind = type(page).__name__
    if kind in seen:
        continue
    url = page.get_url(current_site=site)
    if client.get(url, HTTP_HOST="localhost").status_code != 200:
        continue
    seen.add(kind)
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


@contextlib.contextmanager
def uvicorn_server(extra_env: dict | None = None):
    """One uvicorn process serving the bench settings on a free port; yields (process, base)."""
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
        env={**env(), **(extra_env or {})},
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/__bare__")
        yield server, base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def serve_and_measure(pages: list[dict], cache_seconds: str) -> dict:
    with uvicorn_server({"PAGE_CACHE_SECONDS": cache_seconds}) as (server, base):
        bare, _ = wrk(base + "/__bare__")
        result = {"bare": bare, "rps": {}, "errors": {}}
        for page in pages:
            result["rps"][page["url"]], result["errors"][page["url"]] = wrk(base + page["url"])
        result["rss"], result["peak"] = rss_mb(server.pid)
    return result


def main() -> int:
    ensure_database()
    VAR.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--no-input", "-v0")
    manage("load_demo")
    pages = json.loads(
        manage("shell", "-c", FIND_PAGES, capture=True, extra={"PAGE_CACHE_SECONDS": "0"}).split(
            "JSON", 1
        )[1]
    )

    # SQL counts are of rendering: the shell above ran with the page cache off.
    passes = {}
    for label, seconds in (("page cache on", "60"), ("page cache off", "0")):
        passes[label] = serve_and_measure(pages, seconds)

    on, off = passes["page cache on"], passes["page cache off"]
    rows = [
        [
            "bare Django view",
            "/__bare__",
            "0",
            f"{on['bare']:.0f}",
            "1.00",
            f"{off['bare']:.0f}",
            "1.00",
            "0",
        ]
    ]
    for page in pages:
        url = page["url"]
        rows.append(
            [
                page["kind"],
                url,
                page["queries"],
                f"{on['rps'][url]:.0f}",
                f"{on['rps'][url] / on['bare']:.2f}",
                f"{off['rps'][url]:.0f}",
                f"{off['rps'][url] / off['bare']:.2f}",
                on["errors"][url] + off["errors"][url],
            ]
        )
    text = (
        f"One uvicorn process, wrk with {CONNECTIONS} connections for {DURATION} s per URL, "
        "PostgreSQL, demo data, anonymous visitors. Two passes: with the page cache for "
        "visitors who are not logged in (the default, PAGE_CACHE_SECONDS=60) and without it "
        "(what a logged-in member gets). Ratios are to the bare view of the same pass.\n\n"
        + table(
            [
                "page type",
                "url",
                "SQL queries (render)",
                "req/s cached",
                "ratio",
                "req/s uncached",
                "ratio",
                "non-2xx",
            ],
            rows,
        )
        + "\n\nWeb process memory after each pass (target < 250 MB): "
        + "; ".join(
            f"{label}: RSS {m['rss']:.0f} MB, peak {m['peak']:.0f} MB"
            for label, m in passes.items()
        )
        + ".\n"
    )
    write_result("pages", "Public pages vs a bare Django view", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
