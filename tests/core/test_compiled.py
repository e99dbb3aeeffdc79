"""Aggregates and grouped counts compiled once per shape and run with each call's values
(treffpunkt.core.compiled): always the ORM's answer, one query, no second compile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from treffpunkt.core import compiled

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _fresh():
    compiled.forget_all()
    yield
    compiled.forget_all()


@pytest.fixture
def people(db):
    now = timezone.now()
    made = []
    for name, days in [("amal", 1), ("ben", 5), ("chiara", 10), ("dilan", 20)]:
        made.append(
            User.objects.create(
                email=f"{name}@example.org",
                date_joined=now - dt.timedelta(days=days),
            )
        )
    return now, made


def _make(email, since, floor):
    return User.objects.filter(id__gte=floor), {
        "same": Count("id", filter=Q(email=email)),
        "recent": Count("id", filter=Q(date_joined__gte=since)),
        "ids": Sum("id", filter=Q(date_joined__gte=since)),
    }


def _orm(**values):
    queryset, aggregates = _make(**values)
    return queryset.aggregate(**aggregates)


def test_the_answer_is_the_orms_for_every_call(people):
    now, made = people
    calls = [
        {"email": "amal@example.org", "since": now - dt.timedelta(days=7), "floor": made[0].pk},
        {"email": "dilan@example.org", "since": now - dt.timedelta(days=30), "floor": made[1].pk},
        {"email": "nobody@example.org", "since": now, "floor": made[3].pk + 1},
    ]
    for values in calls:
        assert compiled.aggregate(("people",), _make, **values) == _orm(**values)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite gets datetimes as text")
def test_a_planned_shape_runs_one_query_and_compiles_nothing(people, django_assert_num_queries):
    now, made = people
    first = {"email": "amal@example.org", "since": now - dt.timedelta(days=7), "floor": made[0].pk}
    compiled.aggregate(("people",), _make, **first)
    asked = []

    def fail_to_compile(*args, **kwargs):
        asked.append(args)
        raise AssertionError("compiled again")

    from django.db.models.sql import compiler

    original = compiler.SQLCompiler.as_sql
    compiler.SQLCompiler.as_sql = fail_to_compile
    try:
        with CaptureQueriesContext(connection) as queries:
            answer = compiled.aggregate(
                ("people",),
                _make,
                email="ben@example.org",
                since=now - dt.timedelta(days=6),
                floor=made[0].pk,
            )
    finally:
        compiler.SQLCompiler.as_sql = original
    assert asked == [] and len(queries) == 1
    assert answer == {"same": 1, "recent": 2, "ids": made[0].pk + made[1].pk}


def test_a_value_the_lookup_rewrites_is_asked_of_the_orm_each_time(people):
    def make(part):
        return User.objects.all(), {"n": Count("id", filter=Q(email__contains=part))}

    assert compiled.aggregate(("contains",), make, part="example.org") == {"n": 4}
    assert compiled.aggregate(("contains",), make, part="amal") == {"n": 1}
    assert compiled._plans[("aggregate", "default", "contains")] is None


def test_values_it_cannot_stand_in_for_are_asked_of_the_orm(people):
    def make(flag):
        return User.objects.all(), {"n": Count("id", filter=Q(is_active=flag))}

    assert compiled.aggregate(("flag",), make, flag=True) == {"n": 4}
    assert compiled.aggregate(("flag",), make, flag=False) == {"n": 0}
    assert compiled._plans[("aggregate", "default", "flag")] is None


def _groups(floor, email):
    return (
        User.objects.filter(id__gte=floor)
        .values("is_active", "is_staff")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(email=email)), ids=Sum("id"))
    )


def test_grouped_rows_are_the_orms_for_every_call(people):
    _now, made = people
    User.objects.filter(pk=made[1].pk).update(is_staff=True)
    calls = [
        {"floor": made[0].pk, "email": "ben@example.org"},
        {"floor": made[2].pk, "email": "amal@example.org"},
        {"floor": made[3].pk + 1, "email": "dilan@example.org"},  # no group at all
    ]

    def key(row):
        return (row["is_active"], row["is_staff"])

    for values in calls:
        mine = compiled.rows(("groups",), _groups, **values)
        assert sorted(mine, key=key) == sorted(_groups(**values), key=key)
    assert compiled._plans[("rows", "default", "groups")] is not None


def test_a_planned_grouping_runs_one_query_and_compiles_nothing(people):
    _now, made = people
    compiled.rows(("groups",), _groups, floor=made[0].pk, email="amal@example.org")
    from django.db.models.sql import compiler

    original = compiler.SQLCompiler.as_sql
    compiler.SQLCompiler.as_sql = lambda *a, **k: pytest.fail("compiled again")
    try:
        with CaptureQueriesContext(connection) as queries:
            found = compiled.rows(
                ("groups",), _groups, floor=made[1].pk, email="chiara@example.org"
            )
    finally:
        compiler.SQLCompiler.as_sql = original
    assert len(queries) == 1
    assert found == [
        {
            "is_active": True,
            "is_staff": False,
            "n": 3,
            "mine": 1,
            "ids": sum(u.pk for u in made[1:]),
        }
    ]
