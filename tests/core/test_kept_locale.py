"""The Locale of a language is read once per process and chrome generation (issue 15): a
warm process asks no query for it, a Locale saved asks again, and no caller's copy is
another's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
LOCALE_QUERY = 'FROM "wagtailcore_locale" WHERE'


def _asked(language="de"):
    with CaptureQueriesContext(connection) as ctx:
        locale = Locale.objects.get_for_language(language)
    return locale, [q["sql"] for q in ctx.captured_queries if LOCALE_QUERY in q["sql"]]


def test_a_warm_process_asks_nothing(site):
    first, cold = _asked()
    assert cold
    second, warm = _asked()
    assert not warm
    assert second.pk == first.pk and second.language_code == "de"
    assert second is not first


def test_each_caller_gets_its_own_copy(site):
    _asked()
    mine, _ = _asked()
    mine.language_code = "xx"
    theirs, _ = _asked()
    assert theirs.language_code == "de"


def test_a_locale_saved_is_read_again(site):
    _asked()
    locale = Locale.objects.get(language_code="de")
    locale.save()  # a new chrome generation
    again, asked = _asked()
    assert asked and again.pk == locale.pk


def test_a_missing_language_still_raises(site):
    with pytest.raises((LookupError, Locale.DoesNotExist)):  # as Wagtail answers
        Locale.objects.get_for_language("xx")


def test_the_home_page_asks_no_locale_on_a_warm_process(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/", **HOST)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/", **HOST).status_code == 200
    assert not [q for q in ctx.captured_queries if LOCALE_QUERY in q["sql"]]
