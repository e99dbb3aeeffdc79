"""The demo pool of Beckum: invented mediators in the languages the town needs, requests
in every state, figures for the statement and the report; loading twice changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plugins.interpreters import statement
from plugins.interpreters.models import Assignment, Mediator, MediatorLanguage, Offer, Request
from plugins.interpreters.numbers import numbers
from plugins.interpreters.ranking import rank

pytestmark = pytest.mark.django_db


def test_demo_pool_in_every_state_and_idempotent(db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    loaded = demo.load()
    counts = (
        Mediator.objects.count(),
        Request.objects.count(),
        Offer.objects.count(),
        Assignment.objects.count(),
    )
    demo.load()
    assert (
        Mediator.objects.count(),
        Request.objects.count(),
        Offer.objects.count(),
        Assignment.objects.count(),
    ) == counts

    beckum = loaded.beckum
    assert 6 <= Mediator.objects.filter(site=beckum).count() <= 8
    assert not Mediator.objects.exclude(site=beckum).exists()
    spoken = set(MediatorLanguage.objects.values_list("language", flat=True))
    assert {"ara", "prs", "pes", "kmr", "ukr", "tur", "tir"} <= spoken
    assert set(Request.objects.filter(site=beckum).values_list("status", flat=True)) == set(
        Request.Status.values
    )
    # nobody is booked twice
    for row in Assignment.objects.all():
        assert (
            not Assignment.objects.filter(
                mediator=row.mediator, starts_at__lt=row.ends_at, ends_at__gt=row.starts_at
            )
            .exclude(pk=row.pk)
            .exists()
        )
    # the open requests wait for an answer from mediators who speak the language; the
    # Somali one has nobody (it waits with the coordinators)
    for request in Request.objects.filter(status="open"):
        sent = request.offers.filter(status="sent")
        assert sent.exists()
        for offer in sent:
            assert offer.mediator.languages.filter(language=request.language).exists()
    somali = Request.objects.get(language="som")
    assert somali.status == "escalated" and rank(somali) == []

    # figures: confirmed hours in the statement of a done assignment's month, the report
    done = Assignment.objects.filter(confirmed_minutes__isnull=False).first()
    year, month = statement.month_of(done.starts_at)
    assert statement.build(done.mediator, year, month).minutes > 0
    today = timezone.localdate()
    figures = numbers(beckum, today.replace(day=1, month=1, year=today.year - 1), today)
    assert figures.matched and figures.hours_by_month

    # a demo mediator signs in with the demo password and sees the assignment page
    client = Client()
    assert client.login(email="selam.tesfamariam@example.org", password=demo.DEMO_PASSWORD)
    page = client.get(reverse("plugins:interpreters:assignments"), HTTP_HOST=beckum.hostname)
    assert page.status_code == 200 and "Jobcenter Beckum, Raum 12" in page.text
