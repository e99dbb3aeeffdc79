"""Fault test: a sign-up rush through the real server (uvicorn, PostgreSQL) while every
database connection is terminated (``pg_terminate_backend``) every second.

Counted in the database and at the browser's end: no sign-up lost (everyone shown success
has a row), none doubled, the event not oversold, and nobody whose sign-up was stored is
shown an error page.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests import liveserver

PLACES, PEOPLE, CLIENTS = 40, 120, 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


SERVER_APP = "treffpunkt-db-fault-server"


def _terminate_all(stop: threading.Event, every: float, killed: list[int], spare: int) -> None:
    """Every few seconds, terminate the server's connections to the test database (never
    this test process's own, nor its live-server threads': the tests after this one in the
    same worker need them)."""
    import psycopg

    s = connection.settings_dict
    dsn = f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.wait(every):
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name = %s"
                " AND pid <> pg_backend_pid() AND pid <> %s",
                [s["NAME"], SERVER_APP, spare],
            ).fetchall()
            killed.append(len(rows))


def _sign_up(base: str, path: str, email: str) -> tuple[int, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Host", "beckum.test"), ("Accept-Language", "de")]
    for _attempt in range(5):  # the visitor reloads a page that did not come
        try:
            html = opener.open(base + path, timeout=60).read().decode()
            break
        except urllib.error.HTTPError:
            time.sleep(0.2)
    else:
        return 0, "page never loaded"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": email, "name": "Gast"}
    ).encode()
    try:
        response = opener.open(base + path + "anmelden/", data=data, timeout=60)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_a_rush_with_connections_killed_every_3_seconds_loses_doubles_oversells_nothing(
    site, capsys
):
    if connection.vendor != "postgresql":
        pytest.skip("terminates PostgreSQL backends")
    from events.models import EventIndexPage, Registration
    from tests.events.conftest import add_event

    calendar = EventIndexPage(title="Kalender", slug="kalender")
    site.root_page.add_child(instance=calendar)
    event = add_event(calendar, title="Begegnungsfest", capacity=PLACES)
    event.waiting_list = True
    event.save_revision().publish()
    path = event.get_url(None).replace("http://beckum.test", "")

    port = liveserver.free_port()
    # only the server's connections are terminated: they carry SERVER_APP
    server = liveserver.start(port, app_name=SERVER_APP)
    base = f"http://127.0.0.1:{port}"
    stop, killed = threading.Event(), []
    try:
        liveserver.wait_until_ready(base)
        connection.ensure_connection()
        own = connection.connection.info.backend_pid
        killer = threading.Thread(target=_terminate_all, args=(stop, 3.0, killed, own))
        killer.start()
        emails = [f"gast{i:03d}@example.org" for i in range(PEOPLE)]
        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = dict(
                zip(emails, pool.map(lambda e: _sign_up(base, path, e), emails), strict=False)
            )
    finally:
        stop.set()
        server.terminate()
        server.wait(15)
    killer.join(10)
    connection.close()  # ours was terminated too

    rows = list(Registration.objects.filter(event=event, parent=None))
    by_email: dict[str, int] = {}
    for row in rows:
        by_email[row.email] = by_email.get(row.email, 0) + 1
    shown_ok = {e for e, (status, _html) in outcomes.items() if status == 200}
    errors = {e: status for e, (status, _html) in outcomes.items() if status != 200}
    doubled = {e: n for e, n in by_email.items() if n > 1}
    lost = shown_ok - set(by_email)
    stored_but_error = set(errors) & set(by_email)
    placed = sum(
        r.party_size
        for r in rows
        if r.status in (Registration.Status.HELD, Registration.Status.CONFIRMED)
    )
    with capsys.disabled():
        print(
            f"\n[db faults] {PEOPLE} people, {CLIENTS} at a time, {len(killed)} rounds of"
            f" pg_terminate_backend ({sum(killed)} backends); rows {len(rows)}, placed"
            f" {placed}/{PLACES}; lost {len(lost)}, doubled {len(doubled)}; error pages"
            f" {len(errors)} {sorted(set(errors.values()))}, of them with a stored sign-up"
            f" {len(stored_but_error)}"
        )
    assert sum(killed) > 0, "no connection was terminated; nothing was tested"
    assert not lost and not doubled
    assert placed <= PLACES
    assert not stored_but_error
