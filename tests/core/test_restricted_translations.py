"""A restriction on one language restricts every language, in every list and in search.

Wagtail's ``.public()`` only knows the restricted page and the pages below it in the same
tree. A town restricts its English "internal" pages, the German originals stay open in the
tree: seen from the outside (the site's search, the working-group list, the network page,
the newsletter archive and its RSS), the German pages must stay out too, and so must the
German pages below a restricted English section. People who pass the restriction still find
them; public feeds and anonymous visitors never do."""

from __future__ import annotations

import pytest
from wagtail.models import Locale, PageViewRestriction

from tests.conftest import publish_page

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _locales(db):
    for code in ["de", "en"]:
        Locale.objects.get_or_create(language_code=code)


def _translate(page, title: str):
    english = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = title
    english.save_revision().publish()
    return type(page).objects.get(pk=english.pk)


def _restrict_english(page, title: str, kind: str = "login"):
    english = _translate(page, title)
    PageViewRestriction.objects.create(
        page=english, restriction_type=kind, password="pw" if kind == "password" else ""
    )
    return english


def _index(*pages):
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    for page in pages:
        backend.add(page.specific)


def _search(client, words: str) -> str:
    response = client.get("/suche/", {"q": words}, **HOST)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("kind", ["login", "password"])
def test_search_leaves_out_the_translation_of_a_restricted_page_and_what_lies_below(
    client, site, make_user, kind
):
    from treffpunkt.core.models import ContentPage

    home = site.root_page.specific
    open_page = publish_page(home, ContentPage(title="Offene Sprechstunde Kompass", slug="offen"))
    section = publish_page(home, ContentPage(title="Interner Bereich Kompass", slug="intern"))
    below = publish_page(section, ContentPage(title="Interne Telefonliste Kompass", slug="liste"))
    _index(open_page, section, below)
    before = _search(client, "Kompass")
    # the test can fail: before the restriction all three are found
    assert "Interner Bereich" in before and "Interne Telefonliste" in before

    english = _restrict_english(section, "Internal area", kind)
    _translate(below, "Internal phone list")
    html = _search(client, "Kompass")
    assert "Offene Sprechstunde Kompass" in html
    assert "Interner Bereich" not in html and "Interne Telefonliste" not in html
    # the German page itself now asks for login too (Wagtail's own check, all languages)
    if kind == "login":
        assert client.get(section.url, **HOST).status_code == 302
        client.force_login(make_user("mitglied@example.org"))
        html = _search(client, "Kompass")
        assert "Interner Bereich" in html and "Interne Telefonliste" in html
    else:
        # a password opens one page in one session, never a list
        assert english.pk


def test_working_group_lists_leave_out_a_group_restricted_in_another_language(
    client, site, make_user
):
    from networks.models import NetworkPage, WorkingGroupIndexPage, WorkingGroupPage

    home = site.root_page.specific
    network = publish_page(home, NetworkPage(title="Netzwerk", slug="netzwerk"))
    index = publish_page(network, WorkingGroupIndexPage(title="Arbeitsgruppen", slug="ag"))
    publish_page(index, WorkingGroupPage(title="AG Sprache", slug="sprache", purpose="Deutsch"))
    secret = publish_page(
        index, WorkingGroupPage(title="AG Vorstand", slug="vorstand", purpose="x")
    )
    for url in (index.url, network.url):
        html = client.get(url, **HOST).content.decode()
        assert "AG Sprache" in html and "AG Vorstand" in html, url

    _restrict_english(secret, "Board")
    for url in (index.url, network.url):
        html = client.get(url, **HOST).content.decode()
        assert "AG Sprache" in html, url
        assert "AG Vorstand" not in html, url
    client.force_login(make_user("mitglied@example.org"))
    assert "AG Vorstand" in client.get(index.url, **HOST).content.decode()


def test_newsletter_archive_and_rss_leave_out_an_issue_restricted_in_another_language(
    client, site, django_capture_on_commit_callbacks
):
    from plugins.newsletter import delivery
    from plugins.newsletter.models import NewsletterIndexPage
    from tests.plugins.newsletter.conftest import add_subscribers, make_issue

    archive = publish_page(
        site.root_page.specific,
        NewsletterIndexPage(title="Newsletter-Archiv", slug="newsletter-archiv"),
    )
    add_subscribers(site, 1)
    public = make_issue(archive, title="Ausgabe Mai")
    internal = make_issue(archive, title="Vorstandsausgabe")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_mailing(public, None)
        delivery.start_mailing(internal, None)
    assert "Vorstandsausgabe" in client.get(archive.url, **HOST).content.decode()
    _restrict_english(internal, "Board issue")
    html = client.get(archive.url, **HOST).content.decode()
    assert "Ausgabe Mai" in html and "Vorstandsausgabe" not in html
    feed = client.get(f"{archive.url}feed/", **HOST).content
    assert b"Ausgabe Mai" in feed and b"Vorstandsausgabe" not in feed
