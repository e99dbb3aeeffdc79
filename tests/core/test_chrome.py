"""The shared chrome (menu, footer links, language links, site texts, plugin states) costs
no query on a warm process, is renewed when a page, the menu or a setting changes, and
never carries anything of one visitor to another (issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from treffpunkt.core.models import ContentPage, NavigationItem, NavigationSettings

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
CHROME_TABLES = (
    '"core_navigationsettings"',
    '"core_navigationitem"',
    '"treffpunkt_plugins_pluginsettings"',
    '"core_sitetexttranslation"',
)


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page cache would hide the renders


def _render(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **HOST)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_a_warm_process_asks_nothing_for_the_chrome(client, menu, prefix):
    cold_html, cold = _render(client, prefix + "/")
    assert any('"core_navigationitem"' in sql for sql in cold)  # the first builds it
    warm_html, warm = _render(client, prefix + "/")
    chrome = [sql for sql in warm if any(table in sql for table in CHROME_TABLES)]
    assert not chrome, chrome
    assert "Über uns" in warm_html or prefix  # the menu is still there
    assert warm_html.count("<nav") == cold_html.count("<nav")
    assert len(warm) < len(cold)


def test_the_menu_is_renewed_when_a_page_is_published_or_the_menu_saved(client, site, menu):
    html, _queries = _render(client)
    assert "Über uns" in html
    menu.title = "Wer wir sind"
    menu.save_revision().publish()
    html, _queries = _render(client)
    assert "Wer wir sind" in html and "Über uns" not in html
    # a new menu item
    contact = ContentPage(title="Kontakt", slug="kontakt")
    site.root_page.add_child(instance=contact)
    contact.save_revision().publish()
    assert "Kontakt" not in _render(client)[0].split("</nav>")[0]
    NavigationItem.objects.create(
        navigation=NavigationSettings.for_site(site), page=contact, sort_order=2
    )
    assert 'href="/kontakt/"' in _render(client)[0]
    # deleted: gone from the menu
    contact.delete()
    assert 'href="/kontakt/"' not in _render(client)[0]


def test_the_current_page_mark_is_per_request(client, menu):
    home_html, _q = _render(client, "/")
    about_html, _q = _render(client, menu.url)
    assert f'href="{menu.url}" aria-current="page"' in about_html
    assert f'href="{menu.url}" aria-current="page"' not in home_html


def test_nothing_personal_in_the_shared_chrome(site, menu, make_user):
    amal = make_user("amal@example.org", first_name="Amal")
    petra = make_user("petra@example.org", first_name="Petra")
    first, second, anonymous = Client(), Client(), Client()
    first.force_login(amal)
    second.force_login(petra)
    for path in ("/", menu.url, "/ar/"):
        a = first.get(path, **HOST).content.decode()
        b = second.get(path, **HOST).content.decode()
        c = anonymous.get(path, **HOST).content.decode()
        assert "amal@example.org" not in b and "petra@example.org" not in a
        assert 'href="/konto/"' in a or "/ar/konto/" in a
        assert "/konto/" not in c  # the anonymous visitor sees "Sign in", not an account
        assert "csrfmiddlewaretoken" not in c or c.count("csrfmiddlewaretoken") == a.count(
            "csrfmiddlewaretoken"
        )


def test_a_plugin_switched_off_leaves_the_menu_at_once(client, site, menu):
    from treffpunkt.plugins.models import PluginSettings

    NavigationItem.objects.create(
        navigation=NavigationSettings.for_site(site), url="/treffen/", label="Treffen"
    )
    PluginSettings.set_enabled(site, "meetings", True)
    assert 'href="/treffen/"' in _render(client)[0]
    PluginSettings.set_enabled(site, "meetings", False)
    assert 'href="/treffen/"' not in _render(client)[0]


def test_the_csp_nonce_stays_per_answer(client, menu):
    import re

    nonces = set()
    for _ in range(2):
        response = client.get("/", **HOST)
        header = response.get("Content-Security-Policy", "")
        nonces.add(re.search(r"'nonce-([^']+)'", header).group(1))
    assert len(nonces) == 2


def test_each_request_gets_its_own_copy_of_a_part_kept_in_the_process(site):
    """Parts are kept in the process's memory too (no round trip to the cache): a request
    that changes the list it was given changes nothing for the next one, and a new
    generation builds the part again."""
    from treffpunkt.core import chrome

    built = []

    def compute():
        built.append(1)
        return ["Start", "Termine"]

    first = chrome.cached("test-part", site, "de", compute)
    first.append("nur für mich")
    assert chrome.cached("test-part", site, "de", compute) == ["Start", "Termine"]
    assert len(built) == 1
    chrome.chrome_changed()
    assert chrome.cached("test-part", site, "de", compute) == ["Start", "Termine"]
    assert len(built) == 2


def test_the_cache_emptied_never_brings_back_an_old_generation(site):
    """After Redis lost its keys (a restart), the generation starts anew at a number not
    used before, so what processes keep under an old one is never used again."""
    from django.core.cache import cache

    from treffpunkt.core import chrome

    before = chrome.generation()
    chrome.cached("test-part", site, "de", lambda: "alt")
    cache.clear()
    after = chrome.generation()
    assert after not in (before, 0, None)
    assert chrome.cached("test-part", site, "de", lambda: "neu") == "neu"


def test_a_full_process_copy_lets_go_of_the_oldest_part_only(site, monkeypatch):
    """The process keeps a bounded number of parts; when full, the oldest goes and the
    others stay (it emptied itself entirely before, and every page built its parts again)."""
    from treffpunkt.core import chrome

    monkeypatch.setattr(chrome, "_LOCAL_ENTRIES", 3)
    chrome.chrome_changed()
    for number in range(5):
        chrome.cached(f"test-part-{number}", site, "de", lambda number=number: number)
    kept = [key for key in chrome._local if ":test-part-" in key]  # noqa: SLF001
    assert [key.rsplit(":", 2)[-2] for key in kept] == ["test-part-2", "test-part-3", "test-part-4"]


def test_threads_storing_parts_in_a_full_process_copy_never_fail(monkeypatch):
    """Requests run in threads (ASGI): several store parts in a full copy at once. Letting
    go of the oldest part raised KeyError or "dictionary changed size during iteration"
    there, a server error on any page."""
    import sys
    import threading

    from treffpunkt.core import chrome

    class NoCache:
        def get(self, key, default=None):
            return default

        def set(self, *args, **kwargs):
            pass

    monkeypatch.setattr(chrome, "_LOCAL_ENTRIES", 50)
    monkeypatch.setattr(chrome, "generation", lambda: 7)
    monkeypatch.setattr(chrome, "settled", lambda: True)
    monkeypatch.setattr(chrome, "cache", NoCache())
    chrome._local.clear()  # noqa: SLF001
    chrome._local_generation[0] = 7  # noqa: SLF001
    errors = []

    def work(number):
        for each in range(20000):
            try:
                chrome._from_cache(f"part-{number}-{each}", lambda each=each: each)  # noqa: SLF001
            except Exception as error:  # noqa: BLE001 - any error is the finding
                errors.append(repr(error))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        chrome._local.clear()  # noqa: SLF001
        chrome._local_generation[0] = None  # noqa: SLF001
    assert not errors, errors[:3]
