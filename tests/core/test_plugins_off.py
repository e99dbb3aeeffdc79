"""Plugin off means gone (issue 16): with a plugin switched off for a town, no page of
that town links to something that answers "page not found" (menu items, dashboard boxes,
calendar kinds and search results of the plugin go with it)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from treffpunkt.plugins import registry
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db

HOST = "localhost"  # the demo's Beckum
LINK = re.compile(r'(?:href|action)="([^"]+)"')
SKIP = re.compile(
    r"^/(?:admin|django-admin|static|media|documents|accounts/logout|konto/abmelden)"
    r"|\.(?:ics|pdf|csv|xlsx|vcf|json|xml|txt)$"
)
#: enough for every German page of the demo's town; a crawl that needs more has grown
MAX_PAGES = 400
#: the prefixes of every language but the default one (Leichte Sprache's /de-x-ls/ too)
OTHER_LANGUAGES = re.compile(
    "^/(?:"
    + "|".join(
        re.escape(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    )
    + ")/"
)


@pytest.fixture
def demo(db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    return demo.load()


def _internal(link: str, base: str) -> str | None:
    """The path of an in-site link (German pages, no query), or None to leave it."""
    if link.startswith(("mailto:", "tel:", "webcal:", "#", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, link.replace("&amp;", "&")))
    if parts.netloc and parts.hostname != HOST:
        return None
    path = parts.path
    if parts.query or SKIP.search(path):
        return None
    if OTHER_LANGUAGES.match(path):
        return None  # the same pages in other languages: German stands for them
    return path


def crawl(client) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """Every page reachable from the home page: status per path and the broken links."""
    seen: dict[str, int] = {}
    broken: list[tuple[str, str, int]] = []
    queue = [("/", "(start)")]
    while queue and len(seen) < MAX_PAGES:
        path, source = queue.pop(0)
        if path in seen:
            if seen[path] in (404, 500):
                broken.append((source, path, seen[path]))
            continue
        response = client.get(path, HTTP_HOST=HOST)
        seen[path] = response.status_code
        if response.status_code in (404, 500):
            broken.append((source, path, response.status_code))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            target = _internal(link, f"http://{HOST}{path}")
            if target and target not in seen:
                queue.append((target, path))
            elif target and seen.get(target) in (404, 500):
                broken.append((path, target, seen[target]))
    return seen, broken


@pytest.mark.parametrize("label", ["meetings", "chat", "newsletter"])
def test_no_link_to_a_404_with_a_plugin_off(client, demo, label):
    beckum = demo.beckum
    plugin = registry.get_plugin(label)
    PluginSettings.set_enabled(beckum, label, False)
    member = get_user_model().objects.get(email="amal.haddad@example.org")
    client.force_login(member)  # members see the most: groups, chat, meetings
    seen, broken = crawl(client)
    assert broken == []
    assert len(seen) > 30, "the crawl should reach the demo's pages"
    assert len(seen) < MAX_PAGES
    prefix = f"/{plugin.mount_prefix}/"
    assert not [path for path in seen if path.startswith(prefix)]
    # what was hidden is really gone: its address answers 404 on this town
    assert client.get(prefix, HTTP_HOST=HOST).status_code == 404
