"""How fast the worker role sends the mails people wait for, behind a backlog of other work.

The worker role (bin/worker, RQ on Redis, PostgreSQL) with a real SMTP server on loopback
(aiosmtpd, in this process). First BACKLOG small jobs go to the "default" queue (the kind a
demo load or a rush leaves behind: search index updates, housekeeping), then MAILS sign-up
mails to the "mail" queue (a quarter "confirm your place", the rest "you are on the waiting
list", as after a rush). Reported per way of running the worker: mails a second, how long
after the worker met them the mails reached the SMTP server (p50, last), the worker's CPU per
mail, and how many backlog jobs ran before the last mail arrived (mail first: none).

    .venv/bin/python bench/bench_mail_queue.py
    BENCH_MAILS=2000 .venv/bin/python bench/bench_mail_queue.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[1]),
    str(Path(__file__).resolve().parents[1] / "site"),
]

from bench.bench_pages import VAR  # noqa: E402
from bench.bench_signup_sockets import (  # noqa: E402
    cpu_seconds,
    environment,
    manage,
    percentile,
    smtp_server,
)
from bench.common import REDIS_URL, ROOT, ensure_database, table, write_result  # noqa: E402

MAILS = int(os.environ.get("BENCH_MAILS", "1000"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "500"))
WAIT = 300  # seconds at most for the last mail

MAKE_REGISTRATIONS = """
from datetime import timedelta
from django.utils import timezone
from events.models import EventIndexPage, EventPage, Registration
calendar = EventIndexPage.objects.filter(locale__language_code="de").first()
old = EventPage.objects.filter(slug="post-ansturm")
Registration.objects.filter(event__in=old).delete()
for page in old:
    page.delete()
start = timezone.now() + timedelta(days=30)
event = EventPage(title="Postansturm", slug="post-ansturm", start=start,
                  end=start + timedelta(hours=3), registration_enabled=True,
                  capacity=%(mails)d, waiting_list=True)
calendar.add_child(instance=event)
event.save_revision().publish()
Registration.objects.bulk_create(
    Registration(event=event, kind="visitor", name=f"Gast {n}",
                 email=f"post-{n:05d}@example.org",
                 status="held" if n %% 4 == 0 else "waiting",
                 hold_expires_at=start if n %% 4 == 0 else None)
    for n in range(%(mails)d)
)
print("EVENT", event.pk)
"""

BACKLOG_ENQUEUE = """
from treffpunkt.core.tasks import clear_expired_sessions
for _ in range(%(backlog)d):
    clear_expired_sessions.enqueue()
"""

ENQUEUE = """
from events.models import Registration
from events.tasks import send_registration_mail
rows = Registration.objects.filter(event_id=%(event)d).order_by("pk")
for pk, email, status in rows.values_list("pk", "email", "status"):
    send_registration_mail.enqueue(pk, "confirm" if status == "held" else "status")
    print("AT", email)
"""


def backlog_left() -> int:
    """Jobs still waiting on the default queue (RQ keeps a queue as a Redis list)."""
    done = subprocess.run(
        ["redis-cli", "-u", REDIS_URL, "llen", "rq:queue:default"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.strip() or 0)


WAYS = [
    # (label, environment for the worker role, worker processes)
    ("a work horse forked for every mail", {"WORKER_IN_PROCESS_QUEUES": ""}, 1),
    ("mails in the worker's own process (default)", {}, 1),
]


def run_one(env: dict, arrivals, event_id: int, extra: dict, processes: int) -> list:
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=False, capture_output=True)
    arrivals.at.clear()
    arrivals.wall.clear()
    # The worker starts suspended (RQ's suspension), the jobs are enqueued, then it resumes:
    # it meets a backlog and the mails at once, its start-up is not counted.
    manage(env, "rqsuspend")
    worker_env = {**env, **extra}
    workers = [
        subprocess.Popen([str(ROOT / "bin" / "worker")], env=worker_env, cwd=ROOT)
        for _ in range(processes)
    ]
    try:
        manage(env, "shell", "-c", BACKLOG_ENQUEUE % {"backlog": BACKLOG})
        emails = [
            line.split()[1]
            for line in manage(env, "shell", "-c", ENQUEUE % {"event": event_id}).splitlines()
            if line.startswith("AT ")
        ]
        time.sleep(2)  # the worker is up and waiting (imports, Redis)
        cpu_before = sum(cpu_seconds(w.pid) for w in workers)
        manage(env, "rqresume")
        resumed = time.time()
        deadline = resumed + WAIT
        while time.time() < deadline and len(arrivals.wall) < len(emails):
            time.sleep(0.05)
        cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu_before
        left = backlog_left()
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(60)
    delays = [arrivals.wall[e] - resumed for e in emails if e in arrivals.wall]
    first = min(arrivals.wall.values(), default=resumed)
    last = max(arrivals.wall.values(), default=resumed)
    return [
        len(delays),
        len(emails),
        f"{len(delays) / max(last - first, 1e-9):.0f}",
        f"{percentile(delays, 0.5):.2f}",
        f"{max(delays):.2f}" if delays else "-",
        f"{cpu / max(len(delays), 1) * 1000:.1f}",
        BACKLOG - left,
    ]


def main() -> int:
    ensure_database()
    VAR.mkdir(parents=True, exist_ok=True)
    with smtp_server() as (smtp_port, arrivals):
        env = environment(smtp_port)
        manage(env, "migrate", "--no-input", "-v0")
        has_demo = (
            "from events.models import EventIndexPage; print(EventIndexPage.objects.exists())"
        )
        if manage(env, "shell", "-c", has_demo).strip() != "True":
            manage(env, "load_demo")
        out = manage(env, "shell", "-c", MAKE_REGISTRATIONS % {"mails": MAILS})
        event_id = int(out.split("EVENT", 1)[1].split()[0])
        rows = []
        for label, extra, processes in WAYS:
            rows.append([label, processes, *run_one(env, arrivals, event_id, extra, processes)])
            print(rows[-1], flush=True)
    text = table(
        [
            "worker",
            "processes",
            "mails arrived",
            "enqueued",
            "mails/s",
            "p50 s after resume",
            "last s",
            "worker CPU ms/mail",
            "backlog jobs run first",
        ],
        rows,
    ) + (
        f"\n\n{BACKLOG} small jobs on the default queue, then {MAILS} sign-up mails on the mail "
        "queue; the worker waits suspended (RQ) while they are enqueued and resumes "
        "with all of them waiting. Delays count from the resume to each mail's arrival at the "
        "SMTP server; mails/s from the first arrival to the last; backlog jobs run before the "
        "last mail arrived (mail first: 0). Target (issue 13): a confirmation mail goes "
        "out within seconds during a rush."
    )
    write_result("mail_queue", "Mails people wait for, through the worker role", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
