"""Every language shows the same dates: exceptions belong to the series, not to one
translation of its page (issue 12, finding 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from wagtail.models import Locale

from plugins.meetings import schedule, services
from plugins.meetings.models import MeetingSeriesPage, Occurrence, Visibility

from .conftest import weekly

TZ = schedule.TZ
HOST = {"HTTP_HOST": "beckum.test"}
LANGUAGES = ["en", "ar", "uk", "tr"]
pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def series_in_every_language(make_series, people):
    """A public series with a cancelled, a moved and an extra date, and its pages in four
    more languages: two translated copies, two aliases (as the demo's synchronised tree)."""
    with freeze_time("2026-12-01 10:00:00+01:00"):
        series = make_series(
            title="Sprachcafé",
            first_date=dt.date(2026, 12, 3),
            start_time=dt.time(18),
            end_time=dt.time(19, 30),
            recurrence=weekly(),
            visibility=Visibility.PUBLIC,
        )
        host = people["manager"]
        services.cancel_date(series, "2026-12-24", host, "Heiligabend")
        services.move_date(
            series, "2026-12-31", host, local(2026, 12, 30, 18), local(2026, 12, 30, 19, 30)
        )
        services.add_extra_date(series, host, local(2026, 12, 12, 11), local(2026, 12, 12, 13))
    pages = {"de": series}
    for code in LANGUAGES:
        locale, _created = Locale.objects.get_or_create(language_code=code)
        if code in ("en", "ar"):
            page = series.copy_for_translation(locale, copy_parents=True)
            page.title = f"Sprachcafé ({code})"
            page.save_revision().publish()
        else:
            parent = series.get_parent().specific.copy_for_translation(
                locale, copy_parents=True, alias=True
            )
            page = series.create_alias(parent=parent, update_locale=locale)
        pages[code] = MeetingSeriesPage.objects.get(pk=page.pk)
    return pages


def _dates(page) -> list[tuple]:
    return [
        (d.original_start, d.start, d.end, d.status, d.is_extra)
        for d in schedule.dates_for(page, dt.date(2026, 12, 1), dt.date(2027, 2, 1))
    ]


def test_every_language_has_the_series_dates_and_exceptions(series_in_every_language):
    german = _dates(series_in_every_language["de"])
    assert ("cancelled" in {d[3] for d in german}) and ("moved" in {d[3] for d in german})
    assert any(d[4] for d in german)
    for code in LANGUAGES:
        assert _dates(series_in_every_language[code]) == german, code


def test_translated_series_pages_show_the_exceptions_and_their_date_links_answer(
    client, series_in_every_language
):
    with freeze_time("2026-12-01 10:00:00+01:00"):
        for code in ["de", *LANGUAGES]:
            page = series_in_every_language[code]
            response = client.get(page.url, **HOST)
            assert response.status_code == 200, (code, page.url)
            html = response.content.decode()
            if code != "de":
                assert page.url.startswith(f"/{code}/")
            assert "<del>" in html, code  # the cancelled 24 December
            links = {
                key: f"/treffen/{page.pk}/{key}/"
                for key in ("2026-12-10", "2026-12-24", "2026-12-31", "2026-12-12")
            }
            for key, path in links.items():
                assert path in html, (code, key)
                prefix = "" if code == "de" else f"/{code}"
                answer = client.get(prefix + path, **HOST)
                assert answer.status_code == 200, (code, key)
                assert answer.headers["Content-Language"] == code
            assert client.get(prefix + f"/treffen/{page.pk}/2026-12-11/", **HOST).status_code == 404


def test_a_host_acting_on_a_translated_date_changes_the_series(series_in_every_language, people):
    with freeze_time("2026-12-01 10:00:00+01:00"):
        english = series_in_every_language["en"]
        row = services.cancel_date(english, "2027-01-07", people["manager"], "Ferien")
    assert row.series_id == series_in_every_language["de"].pk
    for code in ["de", *LANGUAGES]:
        statuses = {d[0]: d[3] for d in _dates(series_in_every_language[code])}
        assert statuses[local(2027, 1, 7, 18)] == "cancelled", code
    assert not Occurrence.objects.filter(series=english).exists()


def ical_value(entry, field: str):
    value = entry.get(field)
    if value is None:
        return None
    if isinstance(value, list):
        return [v.to_ical() for v in value]
    return value.to_ical() if hasattr(value, "to_ical") else value


def test_a_feed_in_another_language_shows_the_series_title_in_it(client, series_in_every_language):
    """?lang=en: the English title and page where the series is translated; the same UID,
    dates and exceptions in every language; an alias (no text of its own) and a language
    without a translation show the German title."""
    import icalendar

    def entries(lang: str) -> dict:
        path = "/kalender.ics" + (f"?lang={lang}" if lang else "")
        response = client.get(path, **HOST)
        assert response.status_code == 200, lang
        calendar = icalendar.Calendar.from_ical(response.content)
        return {
            (str(e["UID"]), e.get("RECURRENCE-ID").to_ical() if "RECURRENCE-ID" in e else b""): e
            for e in calendar.walk("VEVENT")
        }

    with freeze_time("2026-12-01 10:00:00+01:00"):
        german = entries("")
        english = entries("en")
        arabic = entries("ar")
        ukrainian = entries("uk")  # an alias: the German text
        turkish = entries("tr")  # an alias too
    assert german.keys() == english.keys() == arabic.keys() == ukrainian.keys()
    assert {str(e["SUMMARY"]) for e in german.values()} == {"Sprachcafé"}
    assert {str(e["SUMMARY"]) for e in english.values()} == {"Sprachcafé (en)"}
    assert {str(e["SUMMARY"]) for e in arabic.values()} == {"Sprachcafé (ar)"}
    assert {str(e["SUMMARY"]) for e in turkish.values()} == {"Sprachcafé"}
    for key, entry in english.items():
        assert str(entry["URL"]).startswith("http://beckum.test/en/"), key
        for field in ("DTSTART", "DTEND", "EXDATE", "RDATE", "RRULE", "SEQUENCE"):
            assert ical_value(entry, field) == ical_value(german[key], field), (key, field)

    # a translation published later reaches the polled feed (no stale cached body)
    english_page = series_in_every_language["en"]
    english_page.title = "Language café"
    english_page.save_revision().publish()
    with freeze_time("2026-12-01 10:05:00+01:00"):
        assert {str(e["SUMMARY"]) for e in entries("en").values()} == {"Language café"}


@pytest.fixture
def en_locale():
    locale, _created = Locale.objects.get_or_create(language_code="en")
    return locale


@freeze_time("2026-12-01 10:00:00+01:00")
def test_a_translated_overview_lists_a_group_series_for_its_members(
    settings, make_series, meeting_index, people, group, en_locale
):
    """Memberships belong to the group's page in its first language; the English series
    names the English group page. Its members see it in the English overview as on its
    page (found by the adversarial review)."""
    from django.test import Client

    from networks.models import WorkingGroupPage
    from plugins.meetings.models import MeetingIndexPage

    settings.PAGE_CACHE_SECONDS = 0
    meeting_index.save_revision().publish()
    series = make_series(
        title="AG-Treffen",
        visibility=Visibility.GROUP,
        working_group=group,
        recurrence=weekly(),
        first_date=dt.date(2026, 12, 3),
    )
    group_en = group.copy_for_translation(en_locale, copy_parents=True)
    group_en.save_revision().publish()
    series_en = series.copy_for_translation(en_locale, copy_parents=True)
    series_en.title = "WG meeting"
    series_en.working_group = WorkingGroupPage.objects.get(pk=group_en.pk)
    series_en.save_revision().publish()
    index_en = MeetingIndexPage.objects.get(locale=en_locale)
    member = Client()
    member.force_login(people["member"])
    assert "AG-Treffen" in member.get(meeting_index.url, **HOST).content.decode()
    page_en = MeetingSeriesPage.objects.get(pk=series_en.pk)
    assert member.get(page_en.url, **HOST).status_code == 200
    assert "WG meeting" in member.get(index_en.url, **HOST).content.decode()
    outsider = Client()
    outsider.force_login(people["network_member"])
    assert "WG meeting" not in outsider.get(index_en.url, **HOST).content.decode()


@freeze_time("2026-12-01 10:00:00+01:00")
def test_a_series_made_a_group_s_leaves_the_open_list_in_every_language(
    settings, make_series, meeting_index, people, group, en_locale
):
    """The series decides, not a translation's copy of its visibility from before: a public
    series made one for a working group must not show its title, dates and place to
    visitors of the English overview while the translation waits for its update (found by
    the adversarial review)."""
    from django.test import Client

    from plugins.meetings.models import MeetingIndexPage

    settings.PAGE_CACHE_SECONDS = 0
    meeting_index.save_revision().publish()
    series = make_series(
        title="Offen",
        visibility=Visibility.PUBLIC,
        recurrence=weekly(),
        first_date=dt.date(2026, 12, 3),
        location="Hinterhaus 7",
    )
    series_en = series.copy_for_translation(en_locale, copy_parents=True)
    series_en.title = "Open EN"
    series_en.save_revision().publish()
    index_en = MeetingIndexPage.objects.get(locale=en_locale)
    assert "Hinterhaus 7" in Client().get(index_en.url, **HOST).content.decode()
    series.visibility = Visibility.GROUP
    series.working_group = group
    series.save_revision().publish()
    page_en = MeetingSeriesPage.objects.get(pk=series_en.pk)
    assert Client().get(page_en.url, **HOST).status_code == 302
    html = Client().get(index_en.url, **HOST).content.decode()
    assert "Hinterhaus 7" not in html and "Open EN" not in html
    member = Client()
    member.force_login(people["member"])
    assert "Open EN" in member.get(index_en.url, **HOST).content.decode()
