"""Headers: a CSP with a fresh nonce per answer and no 'unsafe-inline' script outside the
admin (cached pages included), and `Cache-Control: private, no-store` on personal answers."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.core.test_second_factor import event  # noqa: F401, F811 (fixture)

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def _directive(response, name: str) -> list[str]:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def _nonce_in_html(response) -> str:
    return re.search(r'<style nonce="([^"]+)"', response.content.decode()).group(1)


def test_public_pages_allow_no_inline_script_and_carry_a_fresh_nonce(client, site, settings):
    from django.core.cache import cache
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60
    Client().get("/", **HOST)  # a site's first visit makes its settings rows (a change)
    cache.clear()
    nonces = []
    for expected in ("miss", "hit", "hit"):
        response = client.get("/", **HOST)
        assert response.status_code == 200 and response["X-Page-Cache"] == expected
        script = _directive(response, "script-src")
        assert "'unsafe-inline'" not in script and "'self'" in script
        style = _directive(response, "style-src")
        assert "'unsafe-inline'" not in style and "'self'" in style
        nonce = _nonce_in_html(response)
        # the header names exactly the nonce this answer's HTML carries, never a stored one
        assert f"'nonce-{nonce}'" in script and f"'nonce-{nonce}'" in style
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_member_pages_allow_no_inline_script(client, site, user):
    client.force_login(user)
    for path in ["/konto/", "/konto/profil/", "/accounts/login/"]:
        response = client.get(path, **HOST, follow=True)
        assert "'unsafe-inline'" not in _directive(response, "script-src"), path
        assert "'unsafe-inline'" not in _directive(response, "style-src"), path


def test_the_wagtail_admin_keeps_the_inline_scripts_it_needs(client, site, staff):
    client.force_login(staff)
    response = client.get("/admin/", **HOST)
    assert response.status_code == 200
    script = _directive(response, "script-src")
    assert "'unsafe-inline'" in script and not any(w.startswith("'nonce-") for w in script)
    style = _directive(response, "style-src")
    assert "'unsafe-inline'" in style and not any(w.startswith("'nonce-") for w in style)


def _private(response) -> bool:
    words = {w.strip() for w in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= words


def test_personal_answers_are_private_and_not_stored(client, site, user):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, **HOST)
    for path in ["/konto/", "/konto/profil/", "/konto/loeschen/", "/", "/accounts/2fa/"]:
        response = client.get(path, **HOST)
        assert _private(response), (path, response.get("Cache-Control"))
    client.logout()
    # token links reach one person's sign-up, certificate, feed or newsletter settings
    for path in [
        "/anmeldung/abc/bestaetigen/",
        "/anmeldung/abc/bescheinigung.pdf",
        "/newsletter/abmelden/abc/",
    ]:
        response = client.get(path, **HOST)
        assert _private(response), (path, response.status_code, response.get("Cache-Control"))
    # public pages for visitors stay cacheable
    assert not _private(client.get("/", **HOST))


def test_registrations_and_exports_are_private(client, staff, event):  # noqa: F811
    client.force_login(staff)
    for suffix in ["/", ".csv", ".xlsx", ".json"]:
        response = client.get(f"/veranstaltungen/{event.pk}/anmeldungen{suffix}", **HOST)
        assert response.status_code == 200 and _private(response), suffix
