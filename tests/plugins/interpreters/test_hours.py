"""Hours after the appointment and the monthly statement (HTML, CSV, PDF)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plugins.interpreters import hours, statement
from plugins.interpreters.models import Assignment, Request

from .conftest import at

pytestmark = pytest.mark.django_db
BECKUM = "beckum.test"


def url(name, *args) -> str:
    return reverse(f"plugins:interpreters:{name}", args=args)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def done(make_request, make_mediator, settings):
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "interpreters": {"HOURLY_RATE_EUR": 10, "KM_RATE_EUR": 0.30, "YEARLY_ALLOWANCE_EUR": 100},
    }
    mediator = make_mediator(first_name="Selam", email="selam@example.org")
    request = make_request(starts_at=at(2026, 11, 12, 9), status=Request.Status.ASSIGNED)
    row = Assignment.objects.create(
        request=request, mediator=mediator, starts_at=request.starts_at, ends_at=request.ends_at
    )
    return row


def test_agreeing_reports_confirm_the_hours(done):
    hours.report_by_mediator(done, 90, Decimal("12.5"))
    done.refresh_from_db()
    assert done.confirmed_at is None
    hours.report_by_requester(done, 80)
    done.refresh_from_db()
    assert done.confirmed_minutes == 90 and done.confirmed_at is not None
    assert Request.objects.get(pk=done.request_id).status == Request.Status.DONE
    with pytest.raises(hours.HoursError):
        hours.report_by_mediator(done, 500, None)


def test_disagreeing_reports_wait_for_the_coordinator(done):
    hours.report_by_mediator(done, 120, None)
    hours.report_by_requester(done, 60)
    done.refresh_from_db()
    assert done.confirmed_at is None
    hours.confirm_by_coordinator(done, 90)
    done.refresh_from_db()
    assert done.confirmed_minutes == 90


def test_no_hours_before_the_appointment(make_request, make_mediator):
    request = make_request(starts_at=timezone.now() + dt.timedelta(days=3))
    row = Assignment.objects.create(
        request=request,
        mediator=make_mediator(),
        starts_at=request.starts_at,
        ends_at=request.ends_at,
    )
    with pytest.raises(hours.HoursError):
        hours.report_by_mediator(row, 60, None)


def test_statement_sums_the_month_and_the_year(done, make_request):
    hours.confirm_by_coordinator(done, 90)
    Assignment.objects.filter(pk=done.pk).update(travel_km=Decimal("10"))
    # an earlier month of the same year counts for the year only
    earlier = make_request(starts_at=at(2026, 3, 29, 10))
    Assignment.objects.create(
        request=earlier,
        mediator=done.mediator,
        starts_at=earlier.starts_at,
        ends_at=earlier.ends_at,
        confirmed_minutes=600,
        confirmed_at=timezone.now(),
    )
    built = statement.build(done.mediator, 2026, 11)
    assert [line.minutes for line in built.lines] == [90]
    assert built.hours == Decimal("1.50")
    assert built.amount == Decimal("18.00")  # 1.5 h × 10 € + 10 km × 0.30 €
    assert built.year_amount == Decimal("118.00")
    assert built.over_allowance
    csv_text = statement.as_csv(built)
    assert "2026-11-12 09:00;tir;90;10.0;18.00" in csv_text
    pdf = statement.as_pdf(built, "Beckum")
    assert pdf.startswith(b"%PDF")


def test_hours_by_the_mediator_through_the_page(done, people):
    client = logged_in(done.mediator.user)
    page = client.get(url("assignments"), HTTP_HOST=BECKUM)
    assert f'action="{url("assignment_hours", done.pk)}"' in page.text
    bad = client.post(
        url("assignment_hours", done.pk),
        {f"a{done.pk}-minutes": "0", f"a{done.pk}-travel_km": "-3"},
        HTTP_HOST=BECKUM,
    )
    assert bad.status_code == 400
    ok = client.post(
        url("assignment_hours", done.pk),
        {f"a{done.pk}-minutes": "75", f"a{done.pk}-travel_km": "8"},
        HTTP_HOST=BECKUM,
    )
    assert ok.status_code == 302
    done.refresh_from_db()
    assert done.mediator_minutes == 75 and done.travel_km == Decimal("8")
    # someone else's assignment is not found
    stranger = logged_in(people["colleague"])
    response = stranger.post(url("assignment_hours", done.pk), {"minutes": "5"}, HTTP_HOST=BECKUM)
    assert response.status_code == 404


def test_hours_by_the_requester_and_the_coordinator(done, people):
    requester = logged_in(people["requester"])
    assert (
        requester.post(url("request_hours", done.request_id), {"minutes": "x"}, HTTP_HOST=BECKUM)
    ).status_code == 400
    requester.post(url("request_hours", done.request_id), {"minutes": "70"}, HTTP_HOST=BECKUM)
    done.refresh_from_db()
    assert done.requester_minutes == 70 and done.confirmed_at is None
    colleague = logged_in(people["colleague"])
    assert (
        colleague.post(url("request_hours", done.request_id), {"minutes": "70"}, HTTP_HOST=BECKUM)
    ).status_code == 404
    coordinator = logged_in(people["manager"])
    coordinator.post(url("request_hours", done.request_id), {"minutes": "65"}, HTTP_HOST=BECKUM)
    done.refresh_from_db()
    assert done.confirmed_minutes == 65


def test_statement_downloads_and_who_may_see_them(done, people):
    hours.confirm_by_coordinator(done, 60)
    own = logged_in(done.mediator.user)
    page = own.get(url("statement", 2026, 11), HTTP_HOST=BECKUM)
    assert page.status_code == 200 and "November 2026" in page.text
    csv_file = own.get(url("statement_file", 2026, 11, "csv"), HTTP_HOST=BECKUM)
    assert csv_file["Content-Type"].startswith("text/csv") and b";60;" in csv_file.content
    pdf = own.get(url("statement_file", 2026, 11, "pdf"), HTTP_HOST=BECKUM)
    assert pdf.content.startswith(b"%PDF")
    for bad in ("/dolmetschen/abrechnung/2026-13/", "/dolmetschen/abrechnung/99999-1/"):
        assert own.get(bad, HTTP_HOST=BECKUM).status_code == 404
    assert own.get(url("statement_file", 2026, 11, "exe"), HTTP_HOST=BECKUM).status_code == 404
    # a coordinator of the town sees it; the other town's manager and other people do not
    path = url("mediator_statement_file", done.mediator.pk, 2026, 11, "csv")
    assert logged_in(people["manager"]).get(path, HTTP_HOST=BECKUM).status_code == 200
    assert logged_in(people["other_manager"]).get(path, HTTP_HOST=BECKUM).status_code == 404
    assert logged_in(people["other_manager"]).get(path, HTTP_HOST="borken.test").status_code == 404
    assert logged_in(people["requester"]).get(path, HTTP_HOST=BECKUM).status_code == 404
    assert Client().get(path, HTTP_HOST=BECKUM).status_code == 302
