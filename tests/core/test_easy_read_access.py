"""The access matrix under Leichte Sprache's prefix (``/de-x-ls/``): every private URL of the
matrix (tests/core/test_access_matrix.py), eight personas, both towns, asked in easy German.
A new language prefix is another way in; it must refuse exactly what the others refuse."""

from __future__ import annotations

import pytest

from tests.core import test_access_matrix as matrix
from tests.core.test_access_matrix import PERSONAS, RULES, TOWNS, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def easy_read_world(world, monkeypatch):  # noqa: F811 - the matrix's fixture
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code="de-x-ls")
    monkeypatch.setattr(matrix, "LANGUAGES", ["/de-x-ls"])
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix_under_the_easy_read_prefix(client, easy_read_world, persona):
    problems = []
    checked = 0
    for number in TOWNS:
        for name, rule in RULES.items():
            if rule.path is None:
                continue
            checked += 1
            problems += (
                matrix._check_cell(type(client), easy_read_world, name, rule, persona, number) or []
            )
    assert checked > 50
    assert not problems, "\n".join(problems)


def test_a_private_page_under_the_prefix_is_refused_and_the_public_one_answers(
    client, easy_read_world
):
    """The prefix is really used: a member's page asks an anonymous visitor to sign in in
    easy German as in German, and the public home answers with the easy-read style."""
    town = easy_read_world.towns[1]
    home = client.get("/de-x-ls/", HTTP_HOST=town["host"])
    assert home.status_code == 200
    assert 'class="easy-read' in home.content.decode()
    response = client.get("/de-x-ls/konto/", HTTP_HOST=town["host"])
    assert response.status_code == 302
    assert response["Location"].startswith("/de-x-ls/accounts/login/")
