"""A rush of sign-ups at once: capacity is never exceeded, the waiting list keeps its order."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from events import registrations as engine
from events.models import Registration

from .conftest import add_event

S = Registration.Status
PLACES, PEOPLE = 100, 500


def rush(event, users, workers: int) -> list[Exception]:
    """Every user signs up at the same moment (a barrier releases all workers together)."""
    barrier = threading.Barrier(workers)
    errors: list[Exception] = []
    chunks = [users[i::workers] for i in range(workers)]

    def work(chunk):
        try:
            barrier.wait()
            for user in chunk:
                try:
                    engine.sign_up(event, email=user.email, user=user)
                except Exception as error:  # noqa: BLE001 - collected and asserted empty
                    errors.append(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, chunks))
    return errors


def run_rush(site, workers: int) -> None:
    from events.models import EventIndexPage

    calendar = EventIndexPage(title="Kalender", slug="kalender")
    site.root_page.add_child(instance=calendar)
    event = add_event(calendar, title="Begegnungsfest", capacity=PLACES)
    User = get_user_model()
    User.objects.bulk_create(User(email=f"p{i:03d}@example.org") for i in range(PEOPLE))
    users = list(User.objects.filter(email__startswith="p").order_by("email"))

    errors = rush(event, users, workers)

    assert errors == []
    regs = Registration.objects.filter(event=event)
    assert regs.filter(status=S.CONFIRMED).count() == PLACES
    assert regs.filter(status=S.WAITING).count() == PEOPLE - PLACES
    assert engine.availability(event)["free"] == 0

    waiting_in_order = list(
        regs.filter(status=S.WAITING).order_by("id").values_list("pk", flat=True)
    )
    for registration in list(regs.filter(status=S.CONFIRMED).order_by("?")[:10]):
        engine.cancel(registration.token)
    promoted = set(regs.filter(status=S.CONFIRMED).values_list("pk", flat=True))
    assert set(waiting_in_order[:10]) <= promoted
    assert not set(waiting_in_order[10:]) & promoted
    assert regs.filter(status=S.CONFIRMED).count() == PLACES


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rush_on_postgresql(tx_site):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    run_rush(tx_site, workers=40)


@pytest.mark.django_db(transaction=True)
def test_rush_on_sqlite(tx_site):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant of the rush")
    run_rush(tx_site, workers=20)
