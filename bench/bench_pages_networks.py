"""The network's list pages with the demo's few records and again with 1,000 of each.

Loads the demo into a PostgreSQL database of its own, measures SQL queries and requests/s
(wrk, one uvicorn process, beside a bare Django view) of the directory, the measures list,
the working-group index and the network page; then adds 1,000 organisations (with contacts),
1,000 measures (with indicators) and 1,000 working groups, and measures again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "site"),
]

from bench import bench_pages  # noqa: E402
from bench.common import ROOT, ensure_database, table, write_result  # noqa: E402

PG_URL = os.environ.get(
    "BENCH_NETWORKS_DATABASE_URL",
    "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_bench_networks",
)
VAR = Path("/tmp/treffpunkt-bench-networks-var")
PAGES = [
    ("network page", "/netzwerk/"),
    ("directory", "/netzwerk/ansprechpersonen/"),
    ("directory, filtered", "/netzwerk/ansprechpersonen/?language=ar&q=Verein"),
    ("measures", "/netzwerk/massnahmen/"),
    ("measures, filtered", "/netzwerk/massnahmen/?status=running&q=Ma%C3%9Fnahme"),
    ("working groups", "/netzwerk/arbeitsgruppen/"),
    ("working group", "/netzwerk/arbeitsgruppen/kontakt-mit-behoerden/"),
]

COUNT_QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(raise_request_exception=False)
rows = {}
for name, url in PAGES_LITERAL:
    client.get(url, HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url, HTTP_HOST="localhost").status_code
    rows[name] = [status, len(ctx.captured_queries)]
print("JSON" + json.dumps(rows))
""".replace("PAGES_LITERAL", repr(PAGES))

ADD_RECORDS = """
import json
from wagtail.models import Site
from networks.models import *
site = Site.objects.get(is_default_site=True)
if not Organisation.objects.filter(slug="bench-verein-0").exists():
    fields = list(ActionField.objects.filter(site=site, locale__language_code="de"))
    orgs = Organisation.objects.bulk_create(
        Organisation(site=site, name=f"Verein {n:04}", slug=f"bench-verein-{n}", languages="de,ar")
        for n in range(1000)
    )
    ContactPerson.objects.bulk_create(
        ContactPerson(organisation=o, name=f"Person {o.pk}", languages="ar", sort_order=0) for o in orgs
    )
    Through = Organisation.action_fields.through
    Through.objects.bulk_create(Through(organisation=o, actionfield=fields[n % len(fields)]) for n, o in enumerate(orgs))
    measures = Measure.objects.bulk_create(
        Measure(site=site, title=f"Maßnahme {n:04}", slug=f"bench-massnahme-{n}", status="running",
                action_field=fields[n % len(fields)], lead_organisation=orgs[n])
        for n in range(1000)
    )
    Indicator.objects.bulk_create(Indicator(measure=m, name="Teilnehmende", target=10, current_value=5, sort_order=0) for m in measures)
    index = WorkingGroupIndexPage.objects.get(slug="arbeitsgruppen", locale__language_code="de", url_path__startswith=site.root_page.url_path)
    for n in range(1000):
        index.add_child(instance=WorkingGroupPage(title=f"AG {n:04}", slug=f"bench-ag-{n}", purpose="Zusammenarbeit", action_field=fields[n % len(fields)]))
print("JSON" + json.dumps({"organisations": Organisation.objects.count(), "measures": Measure.objects.count(), "groups": WorkingGroupPage.objects.filter(locale__language_code="de").count()}))
"""


def env() -> dict[str, str]:
    # rendering is what grows with the records: the page cache is off for the whole run
    return {
        **bench_pages.env(),
        "DATABASE_URL": PG_URL,
        "TREFFPUNKT_VAR_DIR": str(VAR),
        "PAGE_CACHE_SECONDS": "0",
    }


def manage_json(script: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), "shell", "-c", script],
        env=env(),
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(result.stdout.split("JSON", 1)[1])


def measure_rps() -> tuple[float, dict[str, float], float]:
    with bench_pages.uvicorn_server(env()) as (server, base):
        bare = bench_pages.wrk(base + "/__bare__")[0]
        rates = {name: bench_pages.wrk(base + url)[0] for name, url in PAGES}
        rss, _peak = bench_pages.rss_mb(server.pid)
    return bare, rates, rss


def main() -> int:
    ensure_database(PG_URL)
    VAR.mkdir(parents=True, exist_ok=True)
    for args in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, str(ROOT / "site" / "manage.py"), *args], env=env(), check=True
        )
    few_queries = manage_json(COUNT_QUERIES)
    few_bare, few_rates, _rss = measure_rps()
    sizes = manage_json(ADD_RECORDS)
    many_queries = manage_json(COUNT_QUERIES)
    many_bare, many_rates, rss = measure_rps()
    rows = []
    for name, url in PAGES:
        rows.append(
            [
                name,
                url,
                few_queries[name][1],
                many_queries[name][1],
                f"{few_rates[name]:.0f} ({few_rates[name] / few_bare:.2f})",
                f"{many_rates[name]:.0f} ({many_rates[name] / many_bare:.2f})",
                many_queries[name][0],
            ]
        )
    text = (
        f"Demo data, then {sizes['organisations']} organisations, {sizes['measures']} measures and "
        f"{sizes['groups']} working groups (German tree) on PostgreSQL. One uvicorn process, "
        f"wrk with {bench_pages.CONNECTIONS} connections for {bench_pages.DURATION} s per URL. "
        f"Bare Django view: {few_bare:.0f} req/s (demo), {many_bare:.0f} req/s (1,000s). "
        "The page cache is off (PAGE_CACHE_SECONDS=0): every request renders the page, as for "
        "a logged-in member. In brackets: ratio to the bare view.\n\n"
        + table(
            [
                "page",
                "url",
                "SQL (demo)",
                "SQL (1,000s)",
                "req/s (demo)",
                "req/s (1,000s)",
                "status",
            ],
            rows,
        )
        + f"\n\nWeb process memory after the run: RSS {rss:.0f} MB.\n"
    )
    write_result("pages_networks", "Network pages: 10 vs 1,000 records", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
