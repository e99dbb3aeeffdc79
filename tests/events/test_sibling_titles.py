"""Two pages side by side with the same title (two evenings of the Sprachcafé, each its own
event page) get different <title>s: the section alone named both "Sprachcafé –
Veranstaltungen". An event adds its date and time in the visitor's language, another page its
address's last part."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from treffpunkt.core.models import ContentPage

from .conftest import in_days

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _title(client, url: str) -> str:
    response = client.get(url, **HOST)
    assert response.status_code == 200
    return html.unescape(" ".join(TITLE.search(response.content.decode()).group(1).split()))


def test_two_evenings_of_the_same_title_have_their_own_title(client, make_event):
    first = make_event(title="Sprachcafé", start=in_days(3), registration_enabled=False)
    second = make_event(
        title="Sprachcafé", start=in_days(10) + timedelta(hours=1), registration_enabled=False
    )
    one, other = _title(client, first.url), _title(client, second.url)
    assert one != other
    assert one.startswith("Sprachcafé") and other.startswith("Sprachcafé")
    assert str(first.start.astimezone().year) in one  # the date tells them apart


def test_two_pages_of_the_same_title_side_by_side(client, site):
    for slug in ("beratung", "beratung-migrationsdienst"):
        page = ContentPage(title="Beratung", slug=slug)
        site.root_page.add_child(instance=page)
        page.save_revision().publish()
    one = _title(client, "/beratung/")
    other = _title(client, "/beratung-migrationsdienst/")
    assert one != other and "beratung-migrationsdienst" in other


def test_a_page_alone_with_its_title_keeps_it_plain(client, make_event):
    event = make_event(title="Begegnungsfest", registration_enabled=False)
    assert "2026" not in _title(client, event.url).split("–", 1)[0]
    assert _title(client, event.url).count("–") <= 1


def test_the_title_is_kept_until_a_page_of_that_name_comes_or_goes(client, make_event):
    """Whether another page has the title was asked on every render (one query a page):
    now kept with the chrome, which publishing, unpublishing and moving a page renew."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_event(title="Sprachcafé", start=in_days(3), registration_enabled=False)
    assert " – " not in _title(client, first.url)  # alone with its title
    alone = _title(client, first.url)
    with CaptureQueriesContext(connection) as queries:
        client.get(first.url, **HOST)
    assert not [q for q in queries.captured_queries if "seo_title" in q["sql"]]
    second = make_event(title="Sprachcafé", start=in_days(10), registration_enabled=False)
    assert _title(client, first.url) != alone  # a twin was published: told apart at once
    second.unpublish()
    assert _title(client, first.url) == alone
