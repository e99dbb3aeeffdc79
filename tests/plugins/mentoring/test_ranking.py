"""The ranking: who fits an application, in which order, and why (in words)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from plugins.mentoring import ranking
from plugins.mentoring.models import Application, MentorProfile, Programme

TODAY = dt.date(2026, 12, 1)


def mentor(name, load=0, **extra) -> MentorProfile:
    values = {
        "languages": "de",
        "offers": [],
        "area": "",
        "availability": [],
        "max_matches": 1,
        "active": True,
    }
    values.update(extra)
    profile = MentorProfile(name=name, **values)
    profile.load = load
    return profile


def application(**extra) -> Application:
    values = {
        "languages": "ar,de",
        "seeks": ["homework", "authorities"],
        "area": "Neubeckum",
        "availability": ["weekday_afternoon", "weekend"],
        "with_children": False,
    }
    values.update(extra)
    return Application(programme=Programme(name="Paten"), **values)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def names(suggestions):
    return [suggestion.mentor.name for suggestion in suggestions]


def test_shared_language_beats_german_only():
    ranked = ranking.rank(
        application(), [mentor("German only"), mentor("Arabic", languages="de,ar")]
    )
    assert names(ranked) == ["Arabic", "German only"]
    assert ranked[0].score - ranked[1].score == ranking.SHARED_LANGUAGE - ranking.SHARED_GERMAN_ONLY


def test_each_criterion_counts_and_is_explained():
    best = mentor(
        "Best",
        languages="ar",
        offers=["homework", "authorities", "leisure"],
        area=" neubeckum ",
        availability=["weekend", "weekday_afternoon", "weekday_morning"],
    )
    (suggestion,) = ranking.rank(application(), [best], today=TODAY)
    assert suggestion.score == (
        ranking.SHARED_LANGUAGE
        + 2 * ranking.PER_OFFER
        + ranking.SAME_AREA
        + 2 * ranking.PER_SLOT
        + ranking.FREE_PLACE
    )
    assert suggestion.reasons == [
        "Speaks العربية",
        "Offers Homework and school, Authorities and forms",
        "Lives in the same part of town ( neubeckum )",
        "Has time: Weekdays, afternoons, Weekends",
        "No other match at the moment",
    ]


def test_offers_outweigh_area_and_time():
    ranked = ranking.rank(
        application(),
        [
            mentor("Near", area="Neubeckum", availability=["weekend"]),
            mentor("Helps", offers=["homework"]),
        ],
    )
    assert names(ranked) == ["Helps", "Near"]


def test_full_inactive_and_uncertified_mentors_are_left_out():
    mentors = [
        mentor("Full", load=2, max_matches=2),
        mentor("Inactive", active=False),
        mentor("Free", load=1, max_matches=2),
    ]
    ranked = ranking.rank(application(), mentors, today=TODAY)
    assert names(ranked) == ["Free"]
    assert "Already has 1 of at most 2 matches" in ranked[0].reasons


@pytest.mark.parametrize(
    ("works_with_children", "issued", "kept"),
    [
        (True, dt.date(2022, 1, 10), True),
        (True, dt.date(2021, 12, 1), True),  # valid through its fifth anniversary
        (True, dt.date(2021, 11, 30), False),  # expired the day before
        (True, None, False),
        (False, dt.date(2026, 1, 1), False),
    ],
)
def test_children_need_a_valid_police_certificate(works_with_children, issued, kept):
    candidate = mentor(
        "Anna", works_with_children=works_with_children, police_certificate_date=issued
    )
    ranked = ranking.rank(application(with_children=True), [candidate], today=TODAY)
    assert names(ranked) == (["Anna"] if kept else [])
    if kept:
        assert ranked[0].reasons[-1].startswith("Police certificate valid until ")


def test_programme_with_children_requires_certificate_for_every_application():
    app = application()
    app.programme.with_children = True
    assert ranking.rank(app, [mentor("No certificate")], today=TODAY) == []


def test_ties_are_ordered_by_name():
    ranked = ranking.rank(application(), [mentor("Zoe"), mentor("Ada"), mentor("Max")])
    assert names(ranked) == ["Ada", "Max", "Zoe"]


def test_reasons_follow_the_readers_language():
    with translation.override("de"):
        (suggestion,) = ranking.rank(application(), [mentor("A", offers=["homework"])])
    assert "Hausaufgaben und Schule" in suggestion.reasons[1]


@pytest.mark.django_db
def test_suggestions_count_live_matches_in_two_queries(
    programme, application, django_assert_num_queries
):
    from .conftest import make_application, make_mentor

    busy = make_mentor(programme, "Busy Bee", max_matches=1)
    make_mentor(programme, "Free Fox")
    other = make_application(programme, name="Someone else", email="x@example.org")
    from plugins.mentoring.models import Match

    Match.objects.create(programme=programme, application=other, mentor=busy, status="active")
    with django_assert_num_queries(2):
        suggestions = ranking.suggestions_for(application)
    assert names(suggestions) == ["Free Fox"]
