"""Fixtures every test layer shares: sites, people, a real SMTP server, a real browser."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page, Site

from treffpunkt.core.models import HomePage, SiteConfiguration

from .helpers import SmtpSink

PASSWORD = "Sehr-geheimes-Passwort-42"


def make_site(hostname: str, title: str, theme: str = "neutral", default: bool = False) -> Site:
    root = Page.get_first_root_node()
    home = HomePage(title=title, slug=hostname.replace(".", "-"), hero_title=title, hero_text="")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.create(
        hostname=hostname, port=80, root_page=home, site_name=title, is_default_site=default
    )
    config = SiteConfiguration.for_site(site)
    config.theme, config.town_name = theme, title
    config.save()
    return site


def _record_second_factor(client, user) -> None:
    """Write into the client's session what allauth records after a sign-in with password
    and TOTP (treffpunkt.accounts.mfa reads it)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = user_id_to_str(user)
    session.save()


_django_force_login = Client.force_login


def force_login_password_only(client, user) -> None:
    """A session that signed in with the password only (no second factor passed)."""
    _django_force_login(client, user)


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """``client.force_login`` stands for a completed sign-in, which for staff includes the
    second factor; tests of the second factor itself use ``force_login_password_only`` or
    sign in through allauth's forms."""

    def force_login(self, user, backend=None):
        _django_force_login(self, user, backend)
        _record_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a test (or a request it made in
    this thread) that activated another would otherwise leave it active, and ``reverse``
    would give the next test's URLs that language's prefix."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and per-request caches live in the cache: start every test without them."""
    from django.core.cache import cache

    from events import places
    from networks import membership
    from treffpunkt.accounts import keptuser, roles
    from treffpunkt.core import pagecache, prefetch

    def forget() -> None:
        cache.clear()
        keptuser.forget_all()
        roles.forget_all()
        prefetch.forget_all()
        membership.forget_all()
        pagecache.forget_kept()
        places.forget_all()

    forget()
    yield
    forget()
    # The VTIMEZONE cache of the process: a test under freezegun would leave components
    # computed in frozen time (FakeDatetime values) for the tests after it.
    from treffpunkt.calendar.timezones import vtimezone

    vtimezone.cache_clear()


def publish_page(parent, page):
    """Add ``page`` below ``parent``, publish it and return it as read back from the database."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def ensure_wagtail_roots() -> None:
    """Transactional tests flush the tables, and with them the root page and collection
    that Wagtail's migrations made; put them back."""
    from django.conf import settings
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root", locale=Locale.get_default())
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def site(db) -> Site:
    """The default site ("beckum.test") with its home page; Wagtail's initial site is removed."""
    ensure_wagtail_roots()
    Site.objects.all().delete()
    return make_site("beckum.test", "Beckum", default=True)


@pytest.fixture
def other_site(site) -> Site:
    return make_site("borken.test", "Borken", theme="borken")


@pytest.fixture
def make_user(db):
    def _make(email: str = "person@example.org", verified: bool = True, **extra):
        from allauth.account.models import EmailAddress

        user = get_user_model().objects.create_user(email=email, password=PASSWORD, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return _make


@pytest.fixture
def user(make_user):
    return make_user("member@example.org", first_name="Amal", last_name="Haddad")


@pytest.fixture
def staff(make_user):
    return make_user(
        "staff@example.org",
        is_staff=True,
        is_superuser=True,
        first_name="Miriam",
        last_name="Adler",
    )


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback; mail sent through Django arrives in ``.messages``."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


# --- the browser layer -------------------------------------------------------------------

# Debian's Chromium, or the browser named by CHROMIUM (bin/test-services passes it on).
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser():
    """Chromium for one test. Not shared across tests: Playwright's sync API keeps an event
    loop running in this thread while it is open, which would break the async tests that
    pytest-xdist may run next in the same worker."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    # The test body talks to the database synchronously while Playwright's loop runs; that
    # is safe here. The flag is removed afterwards so that it leaks into nothing else.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


class CacheRoundTrips(list):
    """The round trips to the cache of a test's code, in order: each ``get`` or
    ``get_many`` as the list of keys it asked for."""

    def all_keys(self) -> list[str]:
        """Every key asked for, in order."""
        return [key for trip in self for key in trip]


@pytest.fixture
def cache_round_trips(monkeypatch) -> CacheRoundTrips:
    """Spies on the default cache's ``get`` and ``get_many`` for this test (a ``get_many`` of
    the local memory cache calls ``get`` for each key: that is not counted again)."""
    from django.core.cache import cache

    asked = CacheRoundTrips()
    real_get, real_get_many = cache.get, cache.get_many
    inside = []

    def spy_get(key, *args, **kwargs):
        if not inside:
            asked.append([key])
        return real_get(key, *args, **kwargs)

    def spy_get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        inside.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", spy_get)
    monkeypatch.setattr(cache, "get_many", spy_get_many)
    return asked
