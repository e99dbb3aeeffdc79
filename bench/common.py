"""What every benchmark records beside its figures: machine, versions, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def environment() -> dict[str, str]:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": sys.version.split()[0],
        "django": version("django"),
        "wagtail": version("wagtail"),
    }


def ensure_database(url: str = PG_URL) -> None:
    """Create the benchmark's PostgreSQL database if it is missing."""
    name = url.rsplit("/", 1)[1]
    subprocess.run(
        [
            "su",
            "postgres",
            "-c",
            f"psql -qAtc \"select 1 from pg_database where datname='{name}'\" | grep -q 1 || createdb -O treffpunkt {name}",
        ],
        check=True,
    )


def setup_sqlite_django(var_dir: Path) -> None:
    """Django for an in-process benchmark on its own SQLite database under ``var_dir``
    (bench.settings: the site with plain static storage; tasks run at once; no mail)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["TREFFPUNKT_VAR_DIR"] = str(var_dir)
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def table(headers: list[str], rows: list[list]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows
    ]
    return "\n".join([line, sep, *body])


def write_result(name: str, title: str, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = environment()
    header = f"# {title}\n\n" + "\n".join(f"- {k}: {v}" for k, v in env.items()) + "\n\n"
    path = RESULTS / f"{name}.md"
    path.write_text(header + text + "\n")
    print(header + text)
    return path
