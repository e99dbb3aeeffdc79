"""The language choice is remembered: the switcher and the suggestion keep it in the language
cookie, a sign-in leads to the person's preferred language, and a browser that prefers an
offered language gets a one-line suggestion in it (never a redirect)."""

from __future__ import annotations

import pytest
from django.conf import settings
from wagtail.models import Locale

from tests.conftest import PASSWORD
from treffpunkt.core.models import ContentPage

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(autouse=True)
def languages(db):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)


@pytest.fixture
def contact_page(site):
    page = ContentPage(title="Kontakt", slug="kontakt")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_choice_is_kept_in_the_cookie_and_leads_to_the_same_page(client, contact_page):
    response = client.get("/sprache/ar/?next=/kontakt/", **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/ar/kontakt/"
    assert response.cookies[COOKIE].value == "ar"
    assert client.get(response["Location"], **HOST).status_code == 200
    # back to German from the Arabic page
    response = client.get("/sprache/de/?next=/ar/kontakt/", **HOST)
    assert response["Location"] == "/kontakt/"
    assert response.cookies[COOKIE].value == "de"
    # the search page (not a Wagtail page) keeps its query
    response = client.get("/sprache/uk/?next=/suche/%3Fq%3DBeckum", **HOST)
    assert response["Location"] == "/uk/suche/?q=Beckum"


def test_the_cookie_never_redirects_or_changes_an_address_language(client, contact_page):
    client.cookies[COOKIE] = "ar"
    response = client.get("/kontakt/", **HOST)
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/kontakt/\x00",
        "/gibt-es-nicht/",
        "",
    ],
)
def test_a_foreign_or_odd_next_stays_on_the_site(client, contact_page, target):
    response = client.get("/sprache/ar/", {"next": target}, **HOST)
    if "\x00" in target:  # refused as bad input before any view (never a 500)
        assert response.status_code == 400
        return
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil" not in location


def test_an_unknown_language_is_not_found(client, site):
    assert client.get("/sprache/xx/?next=/", **HOST).status_code == 404
    assert client.get("/sprache/ku/?next=/", **HOST).status_code == 404


def test_sign_in_leads_to_the_preferred_language_from_a_german_page(client, site, make_user):
    make_user("amal@example.org", preferred_language="ar")
    response = client.post(
        "/accounts/login/", {"login": "amal@example.org", "password": PASSWORD}, **HOST
    )
    assert response.status_code == 302
    assert response["Location"] == "/ar/konto/"
    assert response.cookies[COOKIE].value == "ar"
    html = client.get(response["Location"], **HOST).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "angemeldet" not in html  # allauth's "signed in" message is Arabic too


def test_sign_in_keeps_the_page_asked_for_in_the_preferred_language(
    client, contact_page, make_user
):
    make_user("amal@example.org", preferred_language="ar")
    response = client.post(
        "/accounts/login/?next=/kontakt/",
        {"login": "amal@example.org", "password": PASSWORD, "next": "/kontakt/"},
        **HOST,
    )
    assert response["Location"] == "/ar/kontakt/"


def test_a_german_speaker_signing_in_on_an_arabic_page_lands_in_german(client, site, make_user):
    make_user("petra@example.org", preferred_language="de")
    response = client.post(
        "/ar/accounts/login/", {"login": "petra@example.org", "password": PASSWORD}, **HOST
    )
    assert response["Location"] == "/konto/"
    assert response.cookies[COOKIE].value == "de"


def test_every_page_carries_the_suggestions_in_their_own_languages(client, contact_page):
    html = client.get("/kontakt/", **HOST).content.decode()
    assert 'data-language="de"' not in html  # not the page's own language
    for code, text in [
        ("ar", "عرض هذه الصفحة باللغة: العربية"),
        ("uk", "Показати цю сторінку мовою: українська"),
        ("en", "Show this page in English"),
    ]:
        assert f'<p class="language-suggestion" data-language="{code}" lang="{code}"' in html
        assert text in html
    assert 'href="/sprache/ar/?next=/ar/kontakt/"' in html
    assert 'href="/sprache/de/?next=/kontakt/"' in html  # "No, thanks" keeps German


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_preferring_arabic_gets_a_suggestion_and_the_choice_is_kept(
    browser, live_server, contact_page
):
    visible = ".language-suggestion:not([hidden])"
    arabic = browser.new_context(locale="ar", viewport={"width": 390, "height": 844})
    tab = arabic.new_page()
    tab.set_default_timeout(20_000)
    try:
        tab.goto(live_server.url + "/kontakt/")
        # German page (no redirect), one line in Arabic offering the same page in Arabic
        assert tab.locator("html").get_attribute("lang") == "de"
        assert tab.locator(visible).count() == 1
        line = tab.locator(visible)
        assert line.get_attribute("lang") == "ar" and line.get_attribute("dir") == "rtl"
        assert "العربية" in line.inner_text()

        # "No, thanks": German is the choice now, the suggestion stays away
        line.locator(".language-suggestion__stay").click()
        tab.wait_for_load_state()
        assert tab.url == live_server.url + "/kontakt/"
        assert {c["name"]: c["value"] for c in arabic.cookies()}[COOKIE] == "de"
        assert tab.locator(visible).count() == 0

        # the switcher's choice is kept as well: Arabic, on the same page, no suggestion
        tab.locator(".language-switcher a[lang=ar]").click()
        tab.wait_for_url("**/ar/kontakt/")
        assert tab.locator("html").get_attribute("dir") == "rtl"
        assert {c["name"]: c["value"] for c in arabic.cookies()}[COOKIE] == "ar"
        assert tab.locator(visible).count() == 0
        # a German link opened later offers Arabic again (the choice), still no redirect
        tab.goto(live_server.url + "/kontakt/")
        assert tab.locator("html").get_attribute("lang") == "de"
        assert tab.locator(visible).get_attribute("lang") == "ar"
    finally:
        arabic.close()

    for locale in ("de-DE", "fr-FR"):  # the page's own language, or one not offered
        context = browser.new_context(locale=locale)
        tab = context.new_page()
        try:
            tab.goto(live_server.url + "/kontakt/")
            assert tab.locator(visible).count() == 0
        finally:
            context.close()
