"""The chrome's HTML (head links, brand, language links, menu, search form, footer) is
rendered once per site, language and chrome generation and kept (``{% kept_chrome %}``):
a warm process renders none of those templates again, a change of the chrome shows at once,
and nothing of one answer (nonce, query string, current page, the visitor) reaches another
(issue 15)."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from treffpunkt.core import chrome
from treffpunkt.core.models import NavigationItem

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
KEPT_TEMPLATES = {
    "includes/footer.html",
    "includes/language_switcher.html",
    "includes/language_suggestion.html",
    "includes/menu_toggle.html",
}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page cache would hide the renders


@pytest.fixture
def about(menu):
    return menu


def _get(client, path):
    response = client.get(path, **HOST)
    assert response.status_code == 200
    return response


def _rendered(response) -> set[str]:
    return {t.name for t in response.templates}


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_a_warm_process_renders_no_chrome_template_again(client, about, prefix):
    cold = _get(client, prefix + "/")
    assert _rendered(cold) >= KEPT_TEMPLATES
    warm = _get(client, prefix + "/")
    assert not KEPT_TEMPLATES & _rendered(warm)
    strip = re.compile(r'nonce="[^"]+"')
    assert strip.sub("", warm.content.decode()) == strip.sub("", cold.content.decode())


def test_a_change_of_the_chrome_shows_at_once(client, site, about):
    assert "Über uns" in _get(client, "/").content.decode()
    about.title = "Wer wir sind"
    about.save_revision().publish()  # a new chrome generation
    html = _get(client, "/").content.decode()
    assert "Wer wir sind" in html and ">Über uns<" not in html


def test_without_a_new_generation_the_kept_html_is_served(client, site, about):
    """The proof that the HTML is kept: a change that bypasses the signals (a queryset
    update) does not show until the chrome's generation changes."""
    _get(client, "/")
    NavigationItem.objects.filter(page=about).update(label="Stiller Name")
    assert "Stiller Name" not in _get(client, "/").content.decode()
    chrome.chrome_changed()
    assert "Stiller Name" in _get(client, "/").content.decode()


def test_each_answer_carries_its_own_nonce(client, about):
    for _ in range(3):
        response = _get(client, "/")
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
        assert in_page == {nonce}
        assert "\x00" not in response.content.decode()


def test_the_current_page_mark_follows_the_address(client, about):
    _get(client, "/")
    html = _get(client, about.url).content.decode()
    assert f'href="{about.url}" aria-current="page"' in html
    assert f'href="{about.url}" aria-current="page"' not in _get(client, "/").content.decode()


def test_language_links_keep_the_query_string(client, about):
    _get(client, about.url)  # the links without a query are kept
    html = _get(client, about.url + "?seite=2").content.decode()
    assert "seite%3D2" in html or "seite=2" in html
    assert "seite" not in _get(client, about.url).content.decode()


def test_the_visitor_never_comes_from_the_kept_html(site, about, make_user):
    amal = make_user("amal@example.org", first_name="Amal")
    member, anonymous = Client(), Client()
    member.force_login(amal)
    for _ in range(2):  # each one once cold and once warm, in both orders
        a = _get(anonymous, about.url).content.decode()
        m = _get(member, about.url).content.decode()
        assert "/konto/" in m and "/konto/" not in a
        assert "/accounts/login/" in a or "anmelden" in a.lower() or "login" in a


def test_a_block_with_a_csrf_token_is_never_kept(site, about):
    request = RequestFactory().get("/", **HOST)
    template = Template(
        '{% kept_chrome "probe" %}<form>{% csrf_token %}</form>{% endkept_chrome %}'
    )
    first = template.render(Context({"request": request, "page": about, "csrf_token": "x" * 64}))
    assert "csrfmiddlewaretoken" in first
    key = f"treffpunkt:chrome:{chrome.generation()}:{site.pk}:de:html:probe:"
    from django.core.cache import cache

    assert cache.get(key) is None


def test_an_editors_preview_renders_every_time(site, about):
    template = Template('{% kept_chrome "probe-preview" %}{{ word }}{% endkept_chrome %}')
    request = RequestFactory().get("/", **HOST)
    request.is_preview = True
    for word in ("eins", "zwei"):
        assert template.render(Context({"request": request, "page": about, "word": word})) == word


def test_a_per_page_block_off_a_page_is_rendered_every_time(site):
    template = Template('{% kept_chrome "probe-path" per_path %}{{ word }}{% endkept_chrome %}')
    request = RequestFactory().get("/irgendwo/", **HOST)
    for word in ("eins", "zwei"):
        assert template.render(Context({"request": request, "word": word})) == word


@pytest.mark.parametrize("host", ["beckum.test:8123", "x1.beckum.test", "BECKUM.test:1"])
def test_other_ports_and_names_keep_nothing(client, about, host):
    """The allowed hosts let any port and, with ``.test``, any sub-domain through: each would
    keep its own copy of every page's language links and event parts, and a stream of them
    would fill the cache. Only the site's own name (on its port or the server's) is kept."""
    for _ in range(2):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 200
        assert "includes/language_switcher.html" in _rendered(response)
    assert not [key for key in chrome._local if host.lower() in key.lower()]


@pytest.mark.parametrize("host", ["beckum.test", "beckum.test:80"])
def test_the_sites_own_name_is_kept(client, about, host):
    client.get("/", HTTP_HOST=host)
    assert "includes/language_switcher.html" not in _rendered(client.get("/", HTTP_HOST=host))


def test_each_spelling_of_the_sites_name_shares_one_copy(client, about):
    """Upper case letters and a trailing dot name the same host (found by the adversarial
    review: each spelling kept its own copy, 2^letters of them per page)."""
    client.get("/", **HOST)
    before = set(chrome._local)
    for host in ("BECKUM.test", "Beckum.Test.", "beckum.test.:80", "bEcKuM.tEsT:80"):
        response = client.get("/", HTTP_HOST=host)
        assert response.status_code == 200
    made = {key for key in set(chrome._local) - before if "language-switcher" in key}
    assert len(made) <= 1, made
