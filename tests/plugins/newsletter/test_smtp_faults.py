"""Fault tests against a real SMTP server on loopback (aiosmtpd) that fails on purpose.

Counted at the server by each mail's ``X-Newsletter-Delivery`` id: nobody is missing and
nobody gets two. The server records a mail before it answers 250, so a mail it recorded is
one it accepted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.db import connection

from plugins.newsletter import delivery
from plugins.newsletter.models import Delivery, Mailing
from tests.helpers import free_port

from .conftest import add_subscribers, make_issue

ROOT = Path(__file__).resolve().parents[3]


class FaultySmtp:
    """aiosmtpd that can crash (every connection and the listener closed at once, as when
    its process dies), come back on the same port, and hang up in the middle of DATA."""

    def __init__(self, hang_up_every: int = 0):
        self.host, self.port = "127.0.0.1", free_port()
        self.received: list[str] = []  # X-Newsletter-Delivery of every accepted mail
        self.hang_up_every = hang_up_every
        self.data_commands = self.hung_up = 0
        self.lock = threading.Lock()
        self.sessions: weakref.WeakSet = weakref.WeakSet()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = _Controller(self)
        self.controller.start()

    def crash(self) -> None:
        loop = self.controller.loop

        def abort_all() -> None:
            for session in list(self.sessions):
                if session.transport is not None:
                    session.transport.abort()

        loop.call_soon_threadsafe(abort_all)
        self.controller.stop()
        self.controller = None

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class _Handler:
    def __init__(self, sink: FaultySmtp):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        text = envelope.content.decode("utf-8", "replace")
        mark = next(
            (line for line in text.splitlines() if line.startswith("X-Newsletter-Delivery:")), ""
        )
        with self.sink.lock:
            self.sink.received.append(mark.partition(":")[2].strip() or "other")
        return "250 OK"


class _HangingUpSMTP(SMTP):
    def __init__(self, sink: FaultySmtp, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sink = sink
        sink.sessions.add(self)

    async def smtp_DATA(self, arg):  # noqa: N802 - aiosmtpd's name
        sink = self.sink
        with sink.lock:
            sink.data_commands += 1
            hang_up = sink.hang_up_every and sink.data_commands % sink.hang_up_every == 0
        if hang_up and self.envelope is not None and self.envelope.rcpt_tos:
            # "Go ahead", then the connection drops while the client writes the body.
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            sink.hung_up += 1
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def __init__(self, sink: FaultySmtp):
        super().__init__(_Handler(sink), hostname=sink.host, port=sink.port)
        self.sink = sink

    def factory(self):
        return _HangingUpSMTP(self.sink, self.handler, **self.SMTP_kwargs)


def counted(sink: FaultySmtp, mailing: Mailing) -> tuple[set[str], dict[str, int]]:
    """(missing, doubled) at the server for the rows of a send."""
    expected = {
        f"{mailing.pk}.{pk}"
        for pk in Delivery.objects.filter(mailing=mailing).values_list("pk", flat=True)
    }
    received = Counter(sink.received)
    missing = expected - set(received)
    doubled = {key: n for key, n in received.items() if n > 1 and key in expected}
    return missing, doubled


def use(settings, sink: FaultySmtp) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


@pytest.mark.django_db
def test_a_connection_dropped_mid_data_is_retried_not_unknown(settings, site, archive):
    sink = FaultySmtp(hang_up_every=25)
    sink.start()
    try:
        use(settings, sink)
        settings.PLUGINS_CONFIG = {"newsletter": {"RETRY_SECONDS": 0.1, "BATCH_SIZE": 50}}
        add_subscribers(site, 300)
        mailing = delivery.start_mailing(make_issue(archive), None)
        mailing = delivery.drain(mailing.pk, timeout=120)
    finally:
        sink.stop()
    assert sink.hung_up >= 10  # the fault really happened, again and again
    assert mailing.status == Mailing.Status.FINISHED
    counts = mailing.counts()
    # The server hung up before the end of the data: it cannot have the mail, so the row is
    # tried again; nothing is "unknown".
    assert counts["sent"] == 300 and counts["unknown"] == 0
    missing, doubled = counted(sink, mailing)
    assert not missing and not doubled
    assert 0 < Delivery.objects.filter(mailing=mailing, attempts__gt=0).count() <= sink.hung_up


RECIPIENTS = 600
SENDERS = 3
OUTAGE_SECONDS = 20


def start_worker(sink: FaultySmtp, var_dir) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "TASKS_BACKEND": "database",
        "REDIS_URL": "",
        "EMAIL_URL": f"smtp://{sink.host}:{sink.port}",
        "TREFFPUNKT_PLUGINS_CONFIG": json.dumps(
            {
                "newsletter": {
                    "CLAIM_SECONDS": 5,
                    "BATCH_SIZE": 40,
                    "SENDERS": SENDERS,
                    "RETRY_SECONDS": 1,
                }
            }
        ),
        "TREFFPUNKT_VAR_DIR": str(var_dir),
        "PYTHON": sys.executable,
        "LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(
        [str(ROOT / "bin" / "worker"), "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_server_gone_for_20_seconds_mid_send_loses_and_doubles_nothing(
    settings, site, archive, tmp_path, capsys
):
    if connection.vendor != "postgresql":
        pytest.skip("the fault test runs a worker process against PostgreSQL")
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    sink = FaultySmtp()
    sink.start()
    add_subscribers(site, RECIPIENTS)
    mailing = delivery.start_mailing(make_issue(archive), None)
    worker = start_worker(sink, tmp_path)
    try:
        wait_for(lambda: len(sink.received) >= RECIPIENTS // 4, 120, "the first mails")
        sink.crash()
        at_crash = len(sink.received)
        assert at_crash < RECIPIENTS, "the send finished before the outage; nothing was tested"
        time.sleep(OUTAGE_SECONDS)
        sink.start()
        wait_for(
            lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.FINISHED,
            150,
            "the send to finish after the outage",
        )
        mailing = Mailing.objects.get(pk=mailing.pk)
        counts = mailing.counts()
        unknown_before = counts["unknown"]
        # Only a mail whose final dot went out before the crash can be "unknown": one per
        # connection at most.
        assert unknown_before <= SENDERS
        assert counts["sent"] + unknown_before == RECIPIENTS
        assert Delivery.objects.filter(mailing=mailing, attempts__gt=0).exists()  # it retried
        if unknown_before:
            # The editor sends the unknown ones again with one action.
            delivery.resend_unknown(mailing)
            wait_for(
                lambda: Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.FINISHED,
                60,
                "the resend to finish",
            )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        sink.stop()
    mailing = Mailing.objects.get(pk=mailing.pk)
    missing, doubled = counted(sink, mailing)
    with capsys.disabled():
        print(
            f"\n[smtp outage {OUTAGE_SECONDS}s] {RECIPIENTS} rows; {at_crash} accepted before the"
            f" crash; unknown before resend: {unknown_before}; missing: {len(missing)};"
            f" doubled: {len(doubled)}"
        )
    assert not missing and not doubled
    assert mailing.counts()["sent"] == RECIPIENTS


@pytest.mark.django_db
def test_the_editor_resends_the_unknown_rows_with_the_same_message_id(smtp_settings, site, archive):
    add_subscribers(site, 6)
    mailing = delivery.start_mailing(make_issue(archive), None)
    mailing = delivery.drain(mailing.pk)
    first = {m["X-Newsletter-Delivery"]: m["Message-ID"] for m in smtp_settings.messages}
    # As after a connection that broke after the final dot: two rows are "unknown".
    unknown = list(Delivery.objects.filter(mailing=mailing).order_by("pk")[:2])
    Delivery.objects.filter(pk__in=[d.pk for d in unknown]).update(
        status=Delivery.Status.UNKNOWN, error="Connection unexpectedly closed"
    )
    assert delivery.resend_unknown(mailing) == 2
    mailing = delivery.drain(mailing.pk)
    assert mailing.status == Mailing.Status.FINISHED
    assert mailing.counts()["sent"] == 6 and mailing.counts()["unknown"] == 0
    again = smtp_settings.messages[6:]
    assert {m["X-Newsletter-Delivery"] for m in again} == {f"{mailing.pk}.{d.pk}" for d in unknown}
    for message in again:
        assert message["Message-ID"] == first[message["X-Newsletter-Delivery"]]
    with pytest.raises(delivery.MailingError):
        delivery.resend_unknown(mailing)  # nothing unknown any more
