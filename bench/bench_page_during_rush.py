"""The festival's page while people sign up for it: one uvicorn process, PostgreSQL, demo data.

wrk reads the event page as anonymous visitors do while, at the same time, signers post
sign-ups to it (each a new visitor: the page, its CSRF token, the form). Every sign-up changes
the places left. Two passes: each sign-up renewing the cached pages at once
(PAGE_CACHE_SETTLE_SECONDS=0), and renewing them at most every 5 s (the default).

    .venv/bin/python bench/bench_page_during_rush.py
"""

from __future__ import annotations

import http.cookiejar
import json
import multiprocessing
import re
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "site"),
]

from bench.bench_pages import (  # noqa: E402
    DURATION,
    ensure_database,
    manage,
    uvicorn_server,
    wrk,
)
from bench.common import table, write_result  # noqa: E402

SIGNERS = 4
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

FIND_FESTIVAL = """
from events.models import FestivalPage
page = FestivalPage.objects.live().filter(registration_enabled=True, locale__language_code="de").first()
print("URL" + page.url)
"""


def signer(args: tuple[str, int, float]) -> int:
    """New visitors signing up one after another until the deadline; returns how many did."""
    url, number, deadline = args
    done = 0
    while time.time() < deadline:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.addheaders = [("Host", "localhost")]
        page = opener.open(url, timeout=30).read().decode()
        token = TOKEN.search(page)[1]
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "email": f"rush-{number}-{done}-{time.time_ns()}@example.org",
                "party_size": "1",
            }
        ).encode()
        request = urllib.request.Request(
            url + "anmelden/", data=data, headers={"Referer": url, "Host": "localhost"}
        )
        with opener.open(request, timeout=30) as response:
            if response.status == 200:
                done += 1
    return done


def measure(url_path: str, settle: str) -> dict:
    extra = {
        "PAGE_CACHE_SECONDS": "60",
        "PAGE_CACHE_SETTLE_SECONDS": settle,
        "BENCH_NO_SIGNUP_LIMITS": "1",
    }
    with uvicorn_server(extra) as (_server, base):
        url = base + url_path
        wrk(url)  # warm
        deadline = time.time() + DURATION + 1
        with multiprocessing.get_context("spawn").Pool(SIGNERS) as pool:
            signed = pool.map_async(signer, [(url, n, deadline) for n in range(SIGNERS)])
            rps, errors, _cpu = wrk(url)
            total = sum(signed.get(timeout=DURATION + 120))
    return {"rps": rps, "errors": errors, "signups": total / (DURATION + 1)}


def main() -> int:
    ensure_database()
    manage("migrate", "--no-input", "-v0")
    manage("load_demo")
    found = manage("shell", "-c", FIND_FESTIVAL, capture=True).split("URL", 1)[1].strip()
    url = urllib.parse.urlparse(found).path  # the page's URL may name its site's host
    rows = []
    for label, settle in (
        ("every sign-up renews the pages at once", "0"),
        ("sign-ups renew them at most every 5 s (default)", "5"),
    ):
        r = measure(url, settle)
        rows.append([label, url, f"{r['rps']:.0f}", f"{r['signups'] * 60:.0f}", str(r["errors"])])
    text = (
        f"One uvicorn process, PostgreSQL, demo data. wrk reads the page with 16 connections "
        f"for {DURATION} s while {SIGNERS} signers sign up new visitors to the same event "
        "(page, token, form) as fast as the server lets them.\n\n"
        + table(["pass", "event page", "page req/s", "sign-ups/min meanwhile", "non-2xx"], rows)
        + "\n"
    )
    write_result("page_during_rush", "The event page during a sign-up rush", text)
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
