"""The committee report's "Newsletter" section, which the plugin declares (report_sections)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import override

from networks.report import build_report
from plugins.newsletter.models import Delivery, Mailing

from .conftest import add_subscribers

pytestmark = pytest.mark.django_db


def test_report_lists_finished_sends_of_the_period_with_their_recipients(site, issue):
    finished = timezone.now() - dt.timedelta(days=3)
    mailing = Mailing.objects.create(
        page=issue,
        translation_key=issue.translation_key,
        site=site,
        status=Mailing.Status.FINISHED,
        finished_at=finished,
    )
    for i, subscriber in enumerate(add_subscribers(site, 3)):
        status = Delivery.Status.SENT if i < 2 else Delivery.Status.FAILED
        Delivery.objects.create(
            mailing=mailing, subscriber=subscriber, language="de", status=status
        )
    today = timezone.localdate()
    with override("en"):
        reports = build_report(site, today - dt.timedelta(days=7), today)
    other = next(r for r in reports if r.action_field is None)
    (section,) = [s for s in other.sections if s.title == "Newsletter"]
    (row,) = section.rows
    assert row.title == issue.title and row.date == timezone.localdate(finished)
    assert row.detail == "sent to 2 addresses"
    # a period before the send holds none
    reports = build_report(site, today - dt.timedelta(days=60), today - dt.timedelta(days=30))
    assert not any(r.action_field is None for r in reports)
