"""The page title starts with "Error: " when a form on the page has errors (the first thing
a screen reader says after sending), and finding that out works out nothing else of the
page: no lazy value of the context (the CSRF token, the user) is made for it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.translation import gettext, override

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _title(html: str) -> str:
    return html[html.index("<title>") + 7 : html.index("</title>")]


def test_a_form_with_errors_puts_error_before_the_title(client, event):
    with override("de"):
        error = gettext("Error: ")
    assert not _title(client.get(event.url, **HOST).content.decode()).startswith(error)
    response = client.post(event.url + "anmelden/", {"email": "keine-adresse"}, **HOST)
    assert response.status_code == 400
    assert _title(response.content.decode()).startswith(error)


def test_a_page_without_a_posting_form_sets_no_csrf_cookie(calendar_page, event):
    response = Client().get(calendar_page.url, **HOST)
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
