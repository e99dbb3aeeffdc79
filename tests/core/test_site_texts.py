"""The texts an editor sets per site (tagline, footer text, contact lines) are translatable
per language and shown in the visitor's language, marked with the language they are really
in; an untranslated field shows the German text marked lang="de"."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from treffpunkt.core.models import SiteConfiguration, SiteTextTranslation
from treffpunkt.core.sitetexts import isolate_ltr, site_texts

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
LINES = "Integrationsmanagement, Rathaus\nWeststraße 46, 59269 Beckum\nTelefon 02521 100 203"


@pytest.fixture(autouse=True)
def _locales(db):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)


@pytest.fixture
def config(site, other_site):
    config = SiteConfiguration.for_site(site)
    config.town_name, config.tagline = "Beckum", "Netzwerk Integration"
    config.footer_text = "<p>Ein Angebot der Stadt Beckum.</p>"
    config.contact_lines = LINES
    config.save()
    SiteTextTranslation.objects.create(
        configuration=config,
        language="ar",
        tagline="شبكة الاندماج",
        contact_lines="إدارة الاندماج\nWeststraße 46, 59269 Beckum\nالهاتف 02521 100 203",
    )
    SiteTextTranslation.objects.create(configuration=config, language="en", tagline="")
    # the other town's Arabic texts must never show in Beckum
    borken = SiteConfiguration.for_site(other_site)
    borken.tagline = "Integration und Begegnung"
    borken.save()
    SiteTextTranslation.objects.create(
        configuration=borken, language="ar", tagline="الاندماج واللقاء", footer_text="<p>بوركن</p>"
    )
    return config


def _tag(html: str, pattern: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return match.group(0)


def test_texts_follow_the_language_with_the_default_as_fallback(config):
    arabic = site_texts(config, "ar")
    assert (arabic.tagline.value, arabic.tagline.language, arabic.tagline.direction) == (
        "شبكة الاندماج",
        "ar",
        "rtl",
    )
    # not translated into Arabic: the German text, said to be German
    assert arabic.footer_text.language == "de" and arabic.footer_text.direction == "ltr"
    assert "Stadt Beckum" in arabic.footer_text.value
    # an English translation with an empty tagline: the German tagline, marked German
    english = site_texts(config, "en")
    assert (english.tagline.value, english.tagline.language) == ("Netzwerk Integration", "de")
    turkish = site_texts(config, "tr")
    assert turkish.contact_lines.language == "de" and turkish.contact_lines.value == LINES
    german = site_texts(config, "de")
    assert german.tagline.language == "de" and german.tagline.value == "Netzwerk Integration"


def test_no_tagline_at_all_says_integration_network_in_the_visitors_language(site):
    config = SiteConfiguration.for_site(site)
    from django.utils import translation

    with translation.override("uk"):
        texts = site_texts(config)
    assert texts.tagline.language == "uk" and texts.tagline.value != "Integration network"


def test_phone_numbers_and_addresses_read_as_typed():
    html = isolate_ltr("الهاتف 02521 100 203 · <b>info@beckum.example</b>")
    assert '<bdi dir="ltr">02521 100 203</bdi>' in html
    assert '<bdi dir="ltr">info@beckum.example</bdi>' in html
    assert "<b>" not in html and "&lt;b&gt;" in html  # typed markup is text


def test_the_page_shows_each_text_in_its_language(client, config, site):
    html = client.get("/ar/", **HOST).content.decode()
    assert _tag(html, r'<small lang="ar" dir="rtl">شبكة الاندماج</small>')
    footer = _tag(html, r'<div class="site-footer__text"[^>]*>.*?</div>')
    assert 'lang="de" dir="ltr"' in footer and "Stadt Beckum" in footer
    contact = _tag(html, r'<address class="site-footer__contact"[^>]*>.*?</address>')
    assert 'lang="ar" dir="rtl"' in contact
    assert "إدارة الاندماج<br>" in contact
    assert '<bdi dir="ltr">02521 100 203</bdi>' in contact
    assert "الاندماج واللقاء" not in html and "بوركن" not in html  # not Borken's
    german = client.get("/", **HOST).content.decode()
    assert _tag(german, r'<small lang="de" dir="ltr">Netzwerk Integration</small>')
    assert 'lang="de" dir="ltr"><p>Ein Angebot' in german
    turkish = client.get("/tr/", **HOST).content.decode()
    assert _tag(turkish, r'<small lang="de" dir="ltr">Netzwerk Integration</small>')


def test_one_query_for_the_texts_of_a_page(client, config):
    client.get("/ar/", **HOST)  # warm what is cached anyway
    with CaptureQueriesContext(connection) as queries:
        client.get("/ar/", HTTP_HOST="beckum.test", HTTP_COOKIE="sessionid=none")
    texts = [q["sql"] for q in queries.captured_queries if "sitetexttranslation" in q["sql"]]
    assert len(texts) <= 1


def _admin_form(config, translations):
    return nested_form_data(
        {
            "town_name": "Beckum",
            "tagline": "Netzwerk Integration",
            "theme": "neutral",
            "imprint_page": "",
            "privacy_page": "",
            "contact_email": "",
            "footer_text": rich_text("<p>Ein Angebot der Stadt Beckum.</p>"),
            "contact_lines": LINES,
            "text_translations": inline_formset(translations),
        }
    )


def _translation(language, tagline="", footer="", lines=""):
    return {
        "language": language,
        "tagline": tagline,
        "footer_text": rich_text(footer) if footer else rich_text(""),
        "contact_lines": lines,
    }


def test_an_editor_translates_the_texts_in_the_admin(client, site, staff):
    config = SiteConfiguration.for_site(site)
    client.force_login(staff)
    url = f"/admin/settings/core/siteconfiguration/{site.pk}/"
    page = client.get(url, **HOST)
    assert page.status_code == 200 and "text_translations-TOTAL_FORMS" in page.content.decode()
    data = _admin_form(
        config,
        [_translation("uk", "Мережа інтеграції", "<p>Сервіс міста Бекум.</p>", "Телефон 02521")],
    )
    response = client.post(url, data, **HOST)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = SiteTextTranslation.objects.get(configuration=config, language="uk")
    assert saved.tagline == "Мережа інтеграції" and "Бекум" in saved.footer_text
    html = client.get("/uk/", **HOST).content.decode()
    assert '<small lang="uk" dir="ltr">Мережа інтеграції</small>' in html


@pytest.mark.parametrize(
    "translations",
    [
        [_translation("ar", "أ"), _translation("ar", "ب")],  # one language twice
        [_translation("de", "Doppelt")],  # the default language is the main text
        [_translation("xx", "?")],
        [_translation("tr", "x" * 201)],
        [_translation("tr", lines="x" * 1001)],
    ],
)
def test_bad_input_in_the_admin_changes_nothing(client, site, staff, translations):
    config = SiteConfiguration.for_site(site)
    client.force_login(staff)
    url = f"/admin/settings/core/siteconfiguration/{site.pk}/"
    response = client.post(url, _admin_form(config, translations), **HOST)
    assert response.status_code == 200  # the form again, with its errors; no 500
    assert "error" in response.content.decode()
    assert not SiteTextTranslation.objects.filter(configuration=config).exists()
