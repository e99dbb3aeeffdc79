"""The demo: "Patenschaften Borken" with the Freiwilligenagentur and "Lesepaten Beckum",
people in every state; loading twice changes nothing."""

from __future__ import annotations

import pytest

from plugins.mentoring import services
from plugins.mentoring.models import Application, Match, Programme

pytestmark = pytest.mark.django_db


def test_demo_programmes_in_every_state_and_idempotent(db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    demo.load()
    counts = (Programme.objects.count(), Application.objects.count(), Match.objects.count())
    demo.load()
    assert (Programme.objects.count(), Application.objects.count(), Match.objects.count()) == counts
    borken = Programme.objects.get(name="Patenschaften Borken")
    assert borken.organisation.name == "Freiwilligenagentur Borken"
    assert borken.site.site_name != Programme.objects.get(name="Lesepaten Beckum").site.site_name
    states = set(Match.objects.values_list("status", flat=True))
    assert states == {"proposed", "active", "paused", "ended"}
    assert Application.objects.filter(status="waiting").exists()
    attention = services.needing_attention([borken])
    assert any(item["flagged"] for item in attention)
    assert any(item["overdue_since"] for item in attention)
