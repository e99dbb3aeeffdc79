"""Django's PostgreSQL backend, with the pool's connections checked by Treffpunkt.

psycopg's pool can check a connection before it lends it out, and Django turns that on with
``CONN_HEALTH_CHECKS``; but after a failed check the pool waits before it tries the next
connection: 1 s, then 2 s, then 4 s. When the database restarts or fails over, every
connection in the pool is dead at once, so a request met three or four dead ones in turn and
gave up after ``DATABASE_POOL_TIMEOUT`` with an error page, for every request of the next
seconds (a rush with connections terminated every second: 451 requests timed out).

Here the pool lends without its own check (the settings turn ``CONN_HEALTH_CHECKS`` off when
the pool is on) and this backend checks what it borrowed: a dead connection goes back at once,
the pool drops it and opens a new one, and the next connection is tried without waiting.
"""

from __future__ import annotations

import logging

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

log = logging.getLogger("treffpunkt.db")


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        pool = self.pool
        if pool is None:
            return super().get_new_connection(conn_params)
        # each pooled connection may be dead; one more is new (or the database is down)
        for _attempt in range(pool.max_size):
            connection = super().get_new_connection(conn_params)
            try:
                ConnectionPool.check_connection(connection)
            except psycopg.Error as error:
                log.info("pooled database connection was dead (%s); taking another", error)
                pool.putconn(connection)  # broken: the pool closes it and opens a new one
            else:
                return connection
        connection = super().get_new_connection(conn_params)
        try:
            ConnectionPool.check_connection(connection)
        except psycopg.Error:
            pool.putconn(connection)
            raise  # still dead: the database is down, and the request says so
        return connection
