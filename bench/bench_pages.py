"""Public pages against a bare Django view, through the same ASGI server, in one run.

Loads the demo into a PostgreSQL database of its own, starts one uvicorn process with Redis
as its cache (as the Procfile's web role runs), finds one live page of every page type on the
Beckum site, and drives each URL with wrk: anonymous visitors with the page cache, without
it, and a signed-in network member (their own session cookie; members never get the page
cache). Reports requests/s, the ratio to the bare view measured right before each page (issue 15:
at least 0.3 uncached and for members), the web process's CPU per answer, SQL queries per render for
both kinds of visitor, and the web process's resident memory (target: under 250 MB).
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

from bench.common import PG_URL, REDIS_URL, ROOT, ensure_database, table, write_result  # noqa: E402

DURATION = int(os.environ.get("BENCH_SECONDS", "4"))
BARE_DURATION = int(os.environ.get("BENCH_BARE_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
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
from django.contrib.auth import get_user_model
from treffpunkt.accounts import roles
site = Site.objects.get(is_default_site=True)
client = Client(raise_request_exception=False)
# a network member as most signed-in people are: no manager, no editor (those see the
# editors' bar and pay for their page rights as well)
member = get_user_model().objects.filter(email="bench-mitglied@example.org").first()
if member is None:
    member = get_user_model().objects.create_user(email="bench-mitglied@example.org", password=None)
    roles.make_network_member(member, site)
members_client = Client(raise_request_exception=False)
members_client.force_login(member)
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
    members_client.get(url, HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as member_ctx:
        members_client.get(url, HTTP_HOST="localhost")
    rows.append({"kind": kind, "url": url, "status": status, "queries": len(ctx.captured_queries),
                 "member_queries": len(member_ctx.captured_queries)})
# a session of the member for the server (the session store the server reads)
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(member.pk)
store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
store[HASH_SESSION_KEY] = member.get_session_auth_hash()
store.create()
print("JSON" + json.dumps({"pages": rows, "cookie": settings.SESSION_COOKIE_NAME + "=" + store.session_key}))
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


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, pid: int | None = None, cookie: str = "", duration: int | None = None
) -> tuple[float, int, float]:
    """Requests a second, non-2xx answers and (with the server's ``pid``) its CPU ms each."""
    headers = ["-H", "Host: localhost"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    before = cpu_seconds(pid) if pid else 0.0
    seconds = duration or DURATION
    out = subprocess.run(
        [ensure_wrk(), "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", *headers, url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    used = cpu_seconds(pid) - before if pid else 0.0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(errors.group(1)) if errors else 0, used / max(done, 1) * 1000


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


def serve_and_measure(pages: list[dict], cache_seconds: str, cookie: str = "") -> dict:
    """Each URL in ROUNDS rounds, each round the bare view right before the page (a shared
    machine's speed drifts over a pass by more than the margins asked of a page): the
    ratio of a URL is the mean of its rounds' ratios, its req/s and CPU the means too."""
    extra = {"PAGE_CACHE_SECONDS": cache_seconds, "REDIS_URL": REDIS_URL}
    with uvicorn_server(extra) as (server, base):
        wrk(base + "/__bare__", duration=2)  # warm up
        result = {"bare": [], "rps": {}, "ratio": {}, "errors": {}, "cpu": {}}
        for page in pages:
            url = page["url"]
            rounds = []
            for _ in range(ROUNDS):
                bare, _, _ = wrk(base + "/__bare__", duration=BARE_DURATION)
                rps, errors, cpu = wrk(base + url, server.pid, cookie)
                rounds.append((bare, rps, errors, cpu))
                result["bare"].append(bare)
            result["rps"][url] = sum(r[1] for r in rounds) / len(rounds)
            result["ratio"][url] = sum(r[1] / r[0] for r in rounds) / len(rounds)
            result["errors"][url] = sum(r[2] for r in rounds)
            result["cpu"][url] = sum(r[3] for r in rounds) / len(rounds)
        result["rss"], result["peak"] = rss_mb(server.pid)
    return result


def main() -> int:
    ensure_database()
    VAR.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--no-input", "-v0")
    manage("load_demo")
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=False, capture_output=True)
    found = json.loads(
        manage(
            "shell",
            "-c",
            FIND_PAGES,
            capture=True,
            extra={"PAGE_CACHE_SECONDS": "0", "REDIS_URL": REDIS_URL},
        ).split("JSON", 1)[1]
    )
    pages, cookie = found["pages"], found["cookie"]

    # SQL counts are of rendering: the shell above ran with the page cache off.
    passes = {}
    for label, seconds, session in (
        ("page cache on", "60", ""),
        ("page cache off", "0", ""),
        ("member", "60", cookie),
    ):
        passes[label] = serve_and_measure(pages, seconds, session)

    on, off, member = passes["page cache on"], passes["page cache off"], passes["member"]
    rows = [["bare Django view (lowest–highest)", "/__bare__", "0 / 0"]]
    for each in (on, off, member):
        rows[0] += [f"{min(each['bare']):.0f}–{max(each['bare']):.0f}", "1.00", "-"]
    rows[0].append("0")
    for page in pages:
        url = page["url"]
        row = [page["kind"], url, f"{page['queries']} / {page['member_queries']}"]
        for each in (on, off, member):
            row += [
                f"{each['rps'][url]:.0f}",
                f"{each['ratio'][url]:.2f}",
                f"{each['cpu'][url]:.1f}",
            ]
        row.append(on["errors"][url] + off["errors"][url] + member["errors"][url])
        rows.append(row)
    text = (
        f"One uvicorn process, wrk with {CONNECTIONS} connections, PostgreSQL, Redis as the "
        "cache, demo data. Three passes: anonymous visitors with the page cache (the default, "
        "PAGE_CACHE_SECONDS=60), anonymous visitors without it, and a signed-in network "
        "member (never served from the page cache). Each URL is measured in "
        f"{ROUNDS} rounds of the bare view for {BARE_DURATION} s right before the page for "
        f"{DURATION} s; a ratio is the mean of its rounds' ratios to the bare view of the "
        "same round, req/s and CPU (the web process's, per answer) are the rounds' means.\n\n"
        + table(
            [
                "page type",
                "url",
                "SQL queries anon / member",
                "req/s cached",
                "ratio",
                "CPU ms",
                "req/s uncached",
                "ratio",
                "CPU ms",
                "req/s member",
                "ratio",
                "CPU ms",
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
