"""Newsletter delivery: 10,000 recipients to a real SMTP server (aiosmtpd) on loopback.

Runs real worker processes (bin/worker, database task backend, PostgreSQL) and measures
messages per second and the workers' memory. A second run kills a worker with SIGKILL in the
middle and starts it again; the SMTP server counts that everyone got exactly one mail.

    .venv/bin/python bench/bench_newsletter.py [--recipients 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

from bench.common import ensure_database, table, write_result  # noqa: E402

PG_URL = os.environ.get(
    "BENCH_NEWSLETTER_DATABASE_URL",
    "postgres://treffpunkt:treffpunkt@127.0.0.1:5432/treffpunkt_newsletter_bench",
)
VAR_DIR = Path(os.environ.get("BENCH_NEWSLETTER_VAR_DIR", ROOT / "var" / "bench-newsletter"))
TARGET_SECONDS = 60


class CountingSink:
    """aiosmtpd that only counts recipients (parsing 10,000 mails would measure the sink)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from tests.helpers import free_port

        self.port = free_port()
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def worker_env(sink: CountingSink, parallel: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "TASKS_BACKEND": "database",
        "REDIS_URL": "",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "TREFFPUNKT_VAR_DIR": str(VAR_DIR),
        "TREFFPUNKT_PLUGINS_CONFIG": json.dumps(
            {"newsletter": {"CLAIM_SECONDS": 10, "PARALLEL_TASKS": parallel}}
        ),
        "LOG_LEVEL": "ERROR",
        "PYTHON": sys.executable,
    }


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / "bin" / "worker"), "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def setup_django(sink: CountingSink, parallel: int) -> None:
    os.environ.update(worker_env(sink, parallel))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare_send(recipients: int):
    """A fresh site, archive, issue (de + en) and ``recipients`` confirmed subscribers."""
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Locale, Page, Site

    from plugins.newsletter import delivery
    from plugins.newsletter.models import Mailing, NewsletterIndexPage, NewsletterPage, Subscriber
    from treffpunkt.core.models import HomePage

    for code in ["de", "en"]:
        Locale.objects.get_or_create(language_code=code)
    Mailing.objects.all().delete()
    NewsletterPage.objects.all().delete()
    Subscriber.objects.all().delete()
    DBTaskResult.objects.all().delete()
    site = Site.objects.filter(hostname="bench.localhost").first()
    if site is None:
        home = HomePage(title="Bench", slug="bench-newsletter", hero_title="Bench")
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(hostname="bench.localhost", root_page=home, site_name="Bench")
    home = site.root_page
    index = home.get_children().type(NewsletterIndexPage).first()
    if index is None:
        index = NewsletterIndexPage(title="Archiv", slug="archiv")
        home.add_child(instance=index)
        index.save_revision().publish()
    issue = NewsletterPage(
        title=f"Bench {time.time():.0f}",
        slug=f"bench-{time.time_ns()}",
        intro="Neues aus dem Netzwerk.",
        body=[("heading", "Sprachcafé"), ("text", "<p>Hallo {{ email }}!</p>" * 5)],
    )
    index.add_child(instance=issue)
    issue.save_revision().publish()
    english = issue.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Bench (English)"
    english.save_revision().publish()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                site=site,
                email=f"bench{i}@example.org",
                language="en" if i % 3 == 0 else "de",
                status=Subscriber.Status.CONFIRMED,
            )
            for i in range(recipients)
        ],
        batch_size=2000,
    )
    return issue, delivery


def run_send(sink, recipients: int, workers: int, kill_at: float | None) -> dict:
    from plugins.newsletter.models import Mailing

    sink.received.clear()
    issue, delivery = prepare_send(recipients)
    env = worker_env(sink, workers)
    procs = [start_worker(env) for _ in range(workers)]
    time.sleep(1.5)  # the workers' start-up is not delivery time
    peak_rss = 0.0
    cpu: dict[int, float] = {}
    killed_at = None
    started = time.monotonic()
    mailing = delivery.start_mailing(issue, None)
    try:
        while True:
            status = Mailing.objects.filter(pk=mailing.pk).values_list("status", flat=True)[0]
            if status == Mailing.Status.FINISHED:
                break
            peak_rss = max([peak_rss, *(rss_mb(p.pid) for p in procs)])
            for p in procs:
                used = cpu_seconds(p.pid)
                if used is not None:
                    cpu[p.pid] = used
            if kill_at is not None and killed_at is None and sink.total() >= recipients * kill_at:
                os.killpg(procs[0].pid, signal.SIGKILL)
                procs[0].wait()
                killed_at = sink.total()
                procs[0] = start_worker(env)
            if time.monotonic() - started > 600:
                raise SystemExit("the send did not finish within 10 minutes")
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(10)
    mailing.refresh_from_db()
    counts = mailing.counts()
    received = sink.received
    return {
        "elapsed": elapsed,
        "rate": recipients / elapsed,
        "cpu": sum(cpu.values()),
        "peak_rss": peak_rss,
        "distinct": len(received),
        "doubled": sum(1 for n in received.values() if n > 1),
        "missing": recipients - len(received),
        "killed_at": killed_at,
        "unknown": counts["unknown"],
        "sent": counts["sent"],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    ensure_database(PG_URL)
    sink = CountingSink()
    sink.controller.start()
    try:
        setup_django(sink, args.workers)
        plain = run_send(sink, args.recipients, args.workers, kill_at=None)
        crash = run_send(sink, args.recipients, args.workers, kill_at=0.4)
    finally:
        sink.controller.stop()

    rows = []
    for name, r in (("send", plain), ("send, one worker killed at 40 % and restarted", crash)):
        rows.append(
            [
                name,
                args.recipients,
                args.workers,
                f"{r['elapsed']:.1f}",
                f"{r['rate']:.0f}",
                f"{r['cpu']:.1f}",
                f"{args.recipients / r['cpu']:.0f}" if r["cpu"] else "-",
                f"{r['peak_rss']:.0f}",
                r["distinct"],
                r["doubled"],
                r["missing"],
                r["unknown"],
            ]
        )
    text = table(
        [
            "run",
            "recipients",
            "workers",
            "seconds",
            "mails/s",
            "worker CPU s",
            "mails per worker CPU s",
            "peak worker RSS (MB)",
            "got a mail",
            "got two",
            "got none",
            "rows 'unknown'",
        ],
        rows,
    )
    ok = plain["elapsed"] <= TARGET_SECONDS
    exact = all(r["doubled"] == 0 and r["missing"] == 0 for r in (plain, crash))
    text += (
        f"\n\nTarget: {args.recipients} recipients within {TARGET_SECONDS} s — "
        f"{'reached' if ok else 'NOT reached'} ({plain['elapsed']:.1f} s). "
        f"Exactly one mail each, counted at the SMTP server, also across the kill: "
        f"{'yes' if exact else 'NO'}.\n"
        f"Load average while it ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(workers, PostgreSQL and the SMTP sink share it): the wall-clock rate depends on it, the "
        "rate per worker CPU second much less.\n"
        "Workers: `bin/worker` (db_worker, PostgreSQL), each sending over 4 SMTP connections "
        "side by side (SENDERS); SMTP: aiosmtpd on 127.0.0.1 that "
        "counts recipients. Each mail is rendered per recipient from a cached edition and "
        "its delivery row is written twice (before the final dot and after the 250).\n"
    )
    write_result("newsletter", "Newsletter delivery", text)
    return 0 if ok and exact else 1


if __name__ == "__main__":
    sys.exit(main())
