"""The web process's pool of database connections, through the real server (uvicorn, as the
Procfile runs it) on PostgreSQL: however many requests come at once, the process holds at most
DATABASE_POOL_SIZE connections, and a connection the database dropped is replaced before it is
lent to a request, so nobody sees an error for it, not even when the database drops all of
them at once (a restart) while many requests come."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests import liveserver

APP = "treffpunkt-pool-server"
POOL, CLIENTS = 3, 12

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _server_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [connection.settings_dict["NAME"], APP],
        )
        return [row[0] for row in cursor.fetchall()]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_rush_borrows_from_the_pool_and_dropped_connections_are_replaced():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pool")
    port = liveserver.free_port()
    # a short wait for a connection: psycopg's pool, checking on its own, waited 1 s, then 2 s
    # between dead connections and gave up (PoolTimeout, an error page) after a restart
    server = liveserver.start(
        port,
        app_name=APP,
        extra_env={"DATABASE_POOL_SIZE": str(POOL), "DATABASE_POOL_TIMEOUT": "2"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        liveserver.wait_until_ready(base)
        assert _get(base + "/readyz") == 200  # /readyz asks the database
        statuses: list[int] = []
        peak = [0]
        stop = time.monotonic() + 4

        def client() -> None:
            while time.monotonic() < stop:
                statuses.append(_get(base + "/readyz"))

        def sampler() -> None:
            while time.monotonic() < stop:
                peak[0] = max(peak[0], len(_server_backends()))
                time.sleep(0.02)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        threads.append(threading.Thread(target=sampler))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(statuses) > CLIENTS * 5
        assert set(statuses) == {200}
        # twelve requests at a time, never more than the pool's connections
        assert 1 <= peak[0] <= POOL

        # the database drops every connection the server holds (a restart, a failover)
        dropped = _server_backends()
        assert dropped
        with connection.cursor() as cursor:
            for pid in dropped:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        time.sleep(0.2)
        # the first request after the restart meets the dead connections in turn and is served
        # at once (/readyz is not tried again on a lost connection, as pages are)
        assert _get(base + "/readyz") == 200
        dropped += _server_backends()
        with connection.cursor() as cursor:
            for pid in _server_backends():
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        time.sleep(0.2)
        # and all requests at once after a second restart
        after: list[int] = []
        threads = [
            threading.Thread(target=lambda: after.append(_get(base + "/readyz")))
            for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert after == [200] * CLIENTS
        assert [_get(base + "/readyz") for _ in range(2 * POOL)] == [200] * (2 * POOL)
        assert not set(_server_backends()) & set(dropped)
    finally:
        server.terminate()
        server.wait(15)
