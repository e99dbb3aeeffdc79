import pytest
from wagtail.models import Locale

from tests.conftest import make_site
from treffpunkt.core.models import ContentPage, NavigationItem, NavigationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def languages(db):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)


def test_home_page_is_served_in_german_with_lang_and_dir(client, site):
    response = client.get("/", HTTP_HOST="beckum.test")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de" dir="ltr">' in html
    assert "Beckum" in html


def test_arabic_prefix_sets_rtl_and_translated_ui(client, site):
    response = client.get("/ar/", HTTP_HOST="beckum.test")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "تخطَّ إلى المحتوى" in html  # "Skip to content"


def test_two_sites_are_told_apart_by_host_and_keep_their_theme(client, site, other_site):
    beckum = client.get("/", HTTP_HOST="beckum.test").content.decode()
    borken = client.get("/", HTTP_HOST="borken.test").content.decode()
    assert "themes/borken/css/theme.css" in borken
    assert "themes/borken/css/theme.css" not in beckum
    assert "town-banner" in borken  # the Borken theme overrides the header template
    assert "town-banner" not in beckum
    # the cached template loader must not hand one site's header to the other
    assert "town-banner" not in client.get("/", HTTP_HOST="beckum.test").content.decode()


def test_unknown_page_gives_themed_404(client, site, other_site):
    response = client.get("/gibt-es-nicht/", HTTP_HOST="borken.test")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html
    assert "themes/borken/css/theme.css" in html


def test_search_finds_live_pages_of_this_site_only(client, site, other_site):
    beckum_home = site.root_page
    page = ContentPage(
        title="Sprachcafé im Familienzentrum", slug="sprachcafe", intro="Jeden Donnerstag"
    )
    beckum_home.add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/suche/", {"q": "Sprachcafé"}, HTTP_HOST="beckum.test")
    assert "Sprachcafé im Familienzentrum" in response.content.decode()
    response = client.get("/suche/", {"q": "Sprachcafé"}, HTTP_HOST="borken.test")
    assert "Sprachcafé im Familienzentrum" not in response.content.decode()


def test_search_with_overlong_query_is_cut_not_an_error(client, site):
    response = client.get("/suche/", {"q": "x" * 5000}, HTTP_HOST="beckum.test")
    assert response.status_code == 200


def test_menu_is_managed_by_editors_and_marks_the_current_page(client, site):
    page = ContentPage(title="Über uns", slug="ueber-uns")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    navigation = NavigationSettings.for_site(site)
    navigation.save()
    NavigationItem.objects.create(navigation=navigation, page=page, sort_order=1)
    html = client.get("/ueber-uns/", HTTP_HOST="beckum.test").content.decode()
    assert '<a href="/ueber-uns/" aria-current="page">Über uns</a>' in html


def test_language_switcher_keeps_the_visitor_on_the_same_page(client, site):
    page = ContentPage(title="Kontakt", slug="kontakt")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    html = client.get("/kontakt/", HTTP_HOST="beckum.test").content.decode()
    # through /sprache/<code>/, which remembers the choice (see test_language_choice.py)
    assert 'href="/sprache/ar/?next=/ar/kontakt/" lang="ar"' in html
    assert 'href="/sprache/tr/?next=/tr/kontakt/" lang="tr"' in html


def test_healthz(client, site):
    assert client.get("/healthz", HTTP_HOST="beckum.test").content == b"ok"


def test_make_site_helper_is_isolated(site):
    assert make_site("rheine.test", "Rheine").root_page.title == "Rheine"


def test_home_page_appears_in_the_menu_as_home_in_every_language(client, site):
    navigation = NavigationSettings.for_site(site)
    navigation.save()
    NavigationItem.objects.create(navigation=navigation, page=site.root_page, sort_order=0)
    assert (
        '<a href="/" aria-current="page">Start</a>'
        in client.get("/", HTTP_HOST="beckum.test").content.decode()
    )
    assert ">الرئيسية</a>" in client.get("/ar/", HTTP_HOST="beckum.test").content.decode()


def test_untranslated_content_is_marked_with_its_own_language(client, site):
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    german, arabic = Locale.objects.get(language_code="de"), Locale.objects.get(language_code="ar")
    page = ContentPage(title="Beratung", slug="beratung", intro="Offene Sprechstunde")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    LocaleSynchronization.objects.create(locale=arabic, sync_from=german)
    synchronize_tree(german, arabic)
    html = client.get("/ar/beratung/", HTTP_HOST="beckum.test").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    # The interface stays Arabic and right to left; only the German text is marked German.
    assert '<main id="main" tabindex="-1">' in html
    assert '<h1 lang="de" dir="ltr">Beratung</h1>' in html
    assert '<p class="lead" lang="de" dir="ltr">Offene Sprechstunde</p>' in html
    # A note in Arabic says so ("not yet available in Arabic — shown in German").
    assert "هذا النص غير متوفر بعد باللغة العربية — يُعرض باللغة الألمانية." in html
    assert "/admin/pages/" not in html  # the editors' link is for editors only
    german_html = client.get("/beratung/", HTTP_HOST="beckum.test").content.decode()
    assert "<h1>Beratung</h1>" in german_html
    assert 'class="untranslated-note"' not in german_html


def test_editors_see_a_link_to_translate_an_untranslated_page(client, site, staff):
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    german, ukrainian = (
        Locale.objects.get(language_code="de"),
        Locale.objects.get(language_code="uk"),
    )
    page = ContentPage(title="Beratung", slug="beratung")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    LocaleSynchronization.objects.create(locale=ukrainian, sync_from=german)
    synchronize_tree(german, ukrainian)
    alias = ContentPage.objects.get(locale=ukrainian, translation_key=page.translation_key)
    client.force_login(staff)
    html = client.get("/uk/beratung/", HTTP_HOST="beckum.test").content.decode()
    assert "Цей текст ще недоступний мовою «українська» — показано мовою «німецька»." in html
    assert f'<a href="/admin/pages/{alias.pk}/edit/">Перекласти цю сторінку</a>' in html


def test_home_page_links_follow_the_calendar_and_directory_pages(client, site, other_site):
    """The home page's "All events" and "Find help in your language" links are kept with the
    chrome per site and language: a new or unpublished page shows at the next request."""
    from events.models import EventIndexPage
    from networks.models import OrganisationDirectoryPage
    from tests.events.conftest import add_event

    def links(path="/", host="beckum.test"):
        html = client.get(path, HTTP_HOST=host).content.decode()
        return ("/veranstaltungen/" in html, "/ansprechpersonen/" in html, html)

    assert links()[:2] == (False, False)
    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    add_event(calendar, title="Begegnungsfest")  # the "All events" link is under the next events
    directory = OrganisationDirectoryPage(title="Ansprechpersonen", slug="ansprechpersonen")
    site.root_page.add_child(instance=directory)
    directory.save_revision().publish()
    assert links()[:2] == (True, True)
    # in Arabic the directory opens filtered by the visitor's language
    assert "/ansprechpersonen/?language=ar" in links("/ar/")[2]
    # the other town has neither page
    assert links(host="borken.test")[:2] == (False, False)
    directory.unpublish()
    assert links()[:2] == (True, False)


def test_a_home_page_previewed_from_another_towns_host_shows_its_own_town(rf, site, other_site):
    """An admin on Beckum's host previews Borken's home page: Borken's links and events."""
    from django.contrib.auth.models import AnonymousUser

    from events.models import EventIndexPage
    from tests.events.conftest import add_event

    calendar = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    add_event(calendar, title="Begegnungsfest")
    request = rf.get("/", HTTP_HOST="beckum.test")
    request.user = AnonymousUser()
    beckum = site.root_page.specific.get_context(request)
    assert beckum["calendar_page"] is not None and beckum["next_events"]
    borken = other_site.root_page.specific.get_context(request)
    assert borken["calendar_page"] is None and not borken["next_events"]
