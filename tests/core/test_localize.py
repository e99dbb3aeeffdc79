"""Dates, times, numbers and language names by CLDR in all five languages (one helper)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from treffpunkt.core.localize import (
    format_date,
    format_datetime,
    format_number,
    format_time,
    language_name,
    weekday_names,
)

SATURDAY = dt.datetime(2026, 12, 12, 18, 30, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Samstag, 12. Dezember 2026"),
        ("en", "Saturday, December 12, 2026"),
        ("ar", "السبت، 12 ديسمبر 2026"),
        ("uk", "субота, 12 грудня 2026\u202fр."),  # the month in the genitive, weekday lower case
        ("tr", "12 Aralık 2026 Cumartesi"),
    ],
)
def test_full_dates_follow_each_language(language, expected):
    assert format_date(SATURDAY, "full", language) == expected


def test_times_are_24_hour_where_the_language_uses_them():
    assert format_time(SATURDAY, "de") == "18:30"
    assert format_time(SATURDAY, "uk") == "18:30"
    assert format_time(SATURDAY, "tr") == "18:30"
    assert format_time(SATURDAY, "en") == "6:30\u202fPM"


def test_date_and_time_joined_the_languages_way():
    assert format_datetime(SATURDAY, "full", "de") == "Samstag, 12. Dezember 2026, 18:30"
    assert format_number(1234.5, "de") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"


def test_weekday_headers_are_localised():
    assert weekday_names(language="tr")[0] == "Pzt"
    assert weekday_names(language="de")[0] == "Mo."
    assert weekday_names("wide", language="ar")[5] == "السبت"


def test_language_names_in_their_own_script_and_in_the_readers_language():
    assert language_name("ar") == "العربية"
    assert language_name("ku") == "Kurmancî"
    assert language_name("fa") == "فارسی"
    assert language_name("ru") == "Русский"
    assert language_name("de", "ar") == "الألمانية"
    assert language_name("not a language") == "not a language"
    assert language_name("") == ""


def test_template_filters_use_the_active_language():
    template = Template('{{ when|cldr_date:"full" }} {{ when|cldr_time }}')
    with translation.override("uk"):
        assert (
            template.render(Context({"when": SATURDAY})) == "субота, 12 грудня 2026\u202fр. 18:30"
        )
    with translation.override("ar"):
        assert template.render(Context({"when": SATURDAY})).startswith("السبت، 12 ديسمبر 2026")
    assert Template("{{ none|cldr_date }}").render(Context({"none": None})) == ""


def test_kept_texts_follow_the_language_and_the_time_zone(settings):
    """Formatted dates are kept per process (Babel is dear in long lists of dates): the
    same moment must still come out in each reader's language and the site's time zone."""
    from django.utils import timezone

    for _ in range(2):
        for language, text in (("de", "Samstag"), ("ar", "السبت"), ("en", "Saturday")):
            assert format_datetime(SATURDAY, "full", language).startswith(text)
            with translation.override(language):
                assert format_date(SATURDAY).startswith(text)
    late = dt.datetime(2026, 12, 12, 23, 30, tzinfo=dt.UTC)  # Sunday 00:30 in Berlin
    assert format_date(late, "full", "de") == "Sonntag, 13. Dezember 2026"
    assert format_time(late, "de") == "00:30"
    with timezone.override(ZoneInfo("America/New_York")):
        assert format_date(late, "full", "de") == "Samstag, 12. Dezember 2026"
        assert format_time(late, "de") == "18:30"
    assert format_date(dt.date(2026, 12, 12), "EEEE d. MMMM", "de") == "Samstag 12. Dezember"
