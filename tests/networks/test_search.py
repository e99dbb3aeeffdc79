"""The site search finds pages, organisations (also by their contact persons) and measures in
every language, grouped by kind with a count."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from .conftest import HOST

pytestmark = pytest.mark.django_db


def _search(client, prefix: str, query: str) -> str:
    response = client.get(f"{prefix}/suche/", {"q": query}, **HOST)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("prefix", ["", "/ar", "/uk", "/en", "/tr"])
def test_organisations_are_found_in_every_language(client, network, prefix):
    html = _search(client, prefix, "Caritas")
    assert "Caritasverband Beckum" in html
    assert 'ansprechpersonen/caritas/"' in html


def test_a_contact_persons_role_finds_the_organisation(client, network):
    html = _search(client, "", "Migrationsberatung")
    assert "Caritasverband Beckum" in html
    network.contact.role = "Wohnungssuche"
    network.contact.name = "Nadia Haddad"
    network.contact.save()
    assert "Caritasverband Beckum" in _search(client, "", "Haddad")


def test_untranslated_pages_are_found_from_every_language_with_a_count_per_kind(client, network):
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    german, ukrainian = (
        Locale.objects.get(language_code="de"),
        Locale.objects.get(language_code="uk"),
    )
    LocaleSynchronization.objects.create(locale=ukrainian, sync_from=german)
    synchronize_tree(german, ukrainian)
    html = _search(client, "/uk", "Ansprechpersonen")
    # The Ukrainian version of the page (an alias of the German one), marked as German.
    results = html[html.index('class="result-list"') :][:600]
    assert '/uk/netzwerk/ansprechpersonen/" lang="de" dir="ltr">Ansprechpersonen</a>' in results
    assert "1 результат для «Ansprechpersonen»" in html
    german_html = _search(client, "", "Caritas")
    assert 'Organisationen und Ansprechpersonen <span class="meta">(1)</span>' in german_html


def test_any_query_text_is_accepted(client, network):
    for query in ['"', "Caritas AND", "(", "*", "-", "ك", "NEAR(a b)", "a:b", "'"]:
        assert client.get("/ar/suche/", {"q": query}, **HOST).status_code == 200
