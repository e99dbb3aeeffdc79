"""Availability and ranking: who fits a request, in which order (DST weeks included)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil import rrule

from plugins.interpreters.availability import is_available
from plugins.interpreters.models import Absence, Assignment, Availability, Offer
from plugins.interpreters.ranking import rank, reasons

from .conftest import at, every

pytestmark = pytest.mark.django_db

SUNDAY_MORNING = ((every(rrule.SU), dt.time(8), dt.time(12)),)


def names(candidates):
    return [c.mediator.user.first_name for c in candidates]


def window(start, end, rule=None, starts_on=dt.date(2025, 1, 1)):
    return Availability(
        recurrence=rule or every(rrule.SU), start_time=start, end_time=end, starts_on=starts_on
    )


class TestAvailabilityAcrossClockChanges:
    """Windows are wall-clock times in Beckum: the same in summer and winter time."""

    def test_first_summer_time_sunday(self):
        sunday = [window(dt.time(8), dt.time(12))]
        # 29 March 2026: clocks go from 02:00 to 03:00; 06:30 UTC is 08:30 in Beckum
        assert is_available(sunday, dt.datetime(2026, 3, 29, 6, 30, tzinfo=dt.UTC), 60)
        # a fixed UTC+1 offset would read 07:30 and refuse; 05:30 UTC is 07:30: too early
        assert not is_available(sunday, dt.datetime(2026, 3, 29, 5, 30, tzinfo=dt.UTC), 60)

    def test_last_summer_time_sunday(self):
        sunday = [window(dt.time(8), dt.time(12))]
        # 25 October 2026: clocks go back; 07:30 UTC is 08:30 CET
        assert is_available(sunday, dt.datetime(2026, 10, 25, 7, 30, tzinfo=dt.UTC), 60)
        # 06:30 UTC is 07:30 CET (it would have been 08:30 a day earlier)
        assert not is_available(sunday, dt.datetime(2026, 10, 25, 6, 30, tzinfo=dt.UTC), 60)
        # the Saturday before, still summer time: 06:30 UTC is 08:30
        saturday = [window(dt.time(8), dt.time(12), every(rrule.SA))]
        assert is_available(saturday, dt.datetime(2026, 10, 24, 6, 30, tzinfo=dt.UTC), 60)

    def test_an_appointment_across_the_jump_ends_when_it_really_ends(self):
        night = [window(dt.time(0), dt.time(4))]
        # 01:30 CET + 2 real hours = 04:30 CEST (not 03:30): beyond a window ending at 4
        assert not is_available(night, at(2026, 3, 29, 1, 30), 120)
        assert is_available(night, at(2026, 3, 29, 1, 30), 60)  # 03:30 CEST

    def test_days_of_the_rule_and_its_start(self):
        tuesdays = [window(dt.time(9), dt.time(17), every(rrule.TU), dt.date(2026, 12, 1))]
        assert is_available(tuesdays, at(2026, 12, 8, 9), 60)
        assert not is_available(tuesdays, at(2026, 12, 9, 9), 60)  # a Wednesday
        assert not is_available(tuesdays, at(2026, 11, 24, 9), 60)  # before it starts
        assert not is_available(tuesdays, at(2026, 12, 8, 16, 30), 60)  # ends after 17:00


class TestRanking:
    def test_only_the_language_asked_for(self, make_mediator, make_request):
        make_mediator(language="tir", first_name="Tesfay")
        make_mediator(language="ara", first_name="Amal")
        assert names(rank(make_request(language="tir"))) == ["Tesfay"]

    def test_other_town_and_inactive_are_left_out(self, make_mediator, make_request, other_site):
        make_mediator(first_name="Here")
        make_mediator(first_name="Borken", site=other_site)
        make_mediator(first_name="Resting", active=False)
        assert names(rank(make_request())) == ["Here"]

    def test_dialect_first(self, make_mediator, make_request):
        make_mediator(language="kmr", dialect="Badini", first_name="Badini", level=3)
        make_mediator(language="kmr", dialect="", first_name="Plain", level=3)
        assert names(rank(make_request(language="kmr", dialect="badini"))) == ["Badini", "Plain"]

    def test_availability_and_absence(self, make_mediator, make_request):
        make_mediator(first_name="Sunday", windows=SUNDAY_MORNING)
        Absence.objects.create(
            mediator=make_mediator(first_name="Away"),
            first_day=dt.date(2026, 12, 9),
            last_day=dt.date(2026, 12, 11),
        )
        make_mediator(first_name="Free")
        # Thursday 10 December 2026, 9:00
        assert names(rank(make_request())) == ["Free"]
        assert Absence.objects.count() == 1

    def test_other_assignments_with_travel_buffer(self, make_mediator, make_request):
        busy = make_mediator(first_name="Busy")
        near = make_mediator(first_name="Near")
        make_mediator(first_name="Free")
        first = make_request(starts_at=at(2026, 12, 10, 8), duration_minutes=45)
        Assignment.objects.create(
            request=first, mediator=busy, starts_at=first.starts_at, ends_at=first.ends_at
        )
        # ends 8:45 on site; 9:00 is within the 30 minutes' buffer
        second = make_request(starts_at=at(2026, 12, 10, 7), duration_minutes=15)
        Assignment.objects.create(
            request=second, mediator=near, starts_at=second.starts_at, ends_at=second.ends_at
        )
        wanted = make_request(starts_at=at(2026, 12, 10, 9))
        assert names(rank(wanted)) == ["Near", "Free"] or names(rank(wanted)) == ["Free", "Near"]
        assert "Busy" not in names(rank(wanted))
        by_phone = make_request(starts_at=at(2026, 12, 10, 8, 45), mode="phone")
        # a phone call right after an on-site assignment still needs the way back
        assert "Busy" not in names(rank(by_phone))

    def test_phone_calls_need_no_buffer_between_them(self, make_mediator, make_request):
        caller = make_mediator(first_name="Caller")
        first = make_request(starts_at=at(2026, 12, 10, 8), mode="phone")
        Assignment.objects.create(
            request=first, mediator=caller, starts_at=first.starts_at, ends_at=first.ends_at
        )
        assert names(rank(make_request(starts_at=at(2026, 12, 10, 9), mode="phone"))) == ["Caller"]

    def test_fairness_against_the_monthly_wish(self, make_mediator, make_request):
        full = make_mediator(first_name="Full", monthly_wish=2, level=3)
        light = make_mediator(first_name="Light", monthly_wish=4, level=1)
        for day, person in ((1, full), (2, full), (3, light)):
            done = make_request(starts_at=at(2026, 12, day, 10))
            Assignment.objects.create(
                request=done, mediator=person, starts_at=done.starts_at, ends_at=done.ends_at
            )
        ranked = rank(make_request())
        assert names(ranked) == ["Light", "Full"]
        assert [c.recent for c in ranked] == [1, 2]

    def test_topics_and_ways_accepted(self, make_mediator, make_request):
        make_mediator(first_name="Health", topics=["health"])
        make_mediator(first_name="Phone", modes=["phone"])
        make_mediator(first_name="Any")
        make_mediator(first_name="Authorities", topics=["authorities"])
        # a named topic ranks before "every topic" (same load, same level)
        assert names(rank(make_request(topic="authorities"))) == ["Authorities", "Any"]

    def test_preferred_gender(self, make_mediator, make_request):
        make_mediator(first_name="Him", gender="male")
        make_mediator(first_name="Her", gender="female")
        assert names(rank(make_request(preferred_gender="female"))) == ["Her", "Him"]

    def test_asked_before_is_not_asked_again(self, make_mediator, make_request):
        asked = make_mediator(first_name="Asked")
        make_mediator(first_name="New")
        request = make_request()
        Offer.objects.create(request=request, mediator=asked, status=Offer.Status.DECLINED)
        assert names(rank(request)) == ["New"]

    def test_reasons_in_words(self, make_mediator, make_request, settings):
        make_mediator(language="kmr", dialect="Badini", first_name="Dilan", monthly_wish=4)
        request = make_request(language="kmr", dialect="Sorani")
        from django.utils import translation

        with translation.override("en"):
            lines = reasons(request, rank(request)[0])
        assert lines[0] == "speaks Kurmancî (Badini): native speaker"
        assert "0 of 4 wished assignments in the 30 days before" in lines
        assert "not the dialect asked for" in lines

    def test_queries_do_not_grow_with_the_pool(
        self, make_mediator, make_request, django_assert_max_num_queries
    ):
        for _ in range(12):
            make_mediator()
        request = make_request()
        # the pool's values, the windows that fit the hours, the fitting mediators, their
        # entries for the language, the fairness count: five, for 12 as for 2,000
        with django_assert_max_num_queries(5):
            assert len(rank(request)) == 12
