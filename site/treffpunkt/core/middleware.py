from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control
from wagtail.models import Site

from treffpunkt.themes import current_theme

from . import prefetch
from .models import SiteConfiguration

SITES_VERSION_KEY = "treffpunkt:sites:version"
SITES_TIMEOUT = 300


def _bump_sites_version() -> None:
    try:
        cache.incr(SITES_VERSION_KEY)
    except ValueError:
        cache.set(SITES_VERSION_KEY, 1, timeout=None)


def sites_changed(sender=None, **kwargs) -> None:
    """A site or its configuration changed: look every host up again (now, and once more
    when the change is committed, so no request stores the old rows under the new version)."""
    _bump_sites_version()
    transaction.on_commit(_bump_sites_version, robust=True)


for _model in (Site, SiteConfiguration):
    post_save.connect(sites_changed, sender=_model, dispatch_uid=f"sites_changed_save_{_model}")
    post_delete.connect(sites_changed, sender=_model, dispatch_uid=f"sites_changed_del_{_model}")


def find_site(request) -> Site | None:
    """The Wagtail site of the request and its configuration, from the cache when possible.

    Wagtail's own lookup costs a database query on every request (and the configuration a
    second one); both are kept per host and port until a site or configuration changes."""
    hostname = split_domain_port(request.get_host())[0]
    key = f"treffpunkt:site:{hostname}:{request.get_port()}"
    from treffpunkt.accounts.keptuser import USERS_GENERATION
    from treffpunkt.accounts.roles import ROLES_GENERATION

    from . import chrome, prefetch
    from .requestmemo import seed

    # the chrome's generation, which nearly every answer asks for, those of a signed-in
    # person's row and roles (treffpunkt.accounts.keptuser, .roles), and what this request
    # will ask for as this process guesses (treffpunkt.core.prefetch) in the same round trip
    people = (USERS_GENERATION, ROLES_GENERATION)
    guessed = prefetch.keys_for(request, key)
    found = cache.get_many([SITES_VERSION_KEY, key, chrome.GENERATION_KEY, *people, *guessed])
    prefetch.seed_found(guessed, found)
    chrome.seed_generation(found.get(chrome.GENERATION_KEY))
    for name in people:
        if found.get(name) is not None:
            seed(("generation", name), found[name])
    version = found.get(SITES_VERSION_KEY, 0)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        _version, site, config = entry
        request._wagtail_site = site
        if config is not None:
            config._request = request
            setattr(request, SiteConfiguration.get_cache_attr_name(), config)
        if site is not None:
            prefetch.site_found(key, site.pk)
        return site
    site = Site.find_for_request(request)
    config = SiteConfiguration.for_request(request) if site is not None else None
    cache.set(key, (version, site, config), SITES_TIMEOUT)
    if site is not None:
        prefetch.site_found(key, site.pk)
    return site


class SiteMiddleware:
    """Finds the Wagtail site of the request and makes its theme the current one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = find_site(request)
        theme = None
        if site is not None:
            request.site_configuration = SiteConfiguration.for_request(request)
            theme = request.site_configuration.theme
        token = current_theme.set(theme)
        try:
            return self.get_response(request)
        finally:
            current_theme.reset(token)
            prefetch.request_done()  # what the next request to this address will ask for


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with a nonce for public and member pages (``script-src`` and ``style-src``
    ``'self' 'nonce-…'``, no ``'unsafe-inline'``), and the inline scripts and styles the
    Wagtail admin needs under ``/admin/`` (where a nonce would switch ``'unsafe-inline'``
    off, so none is sent)."""

    ADMIN_PREFIX = "/admin/"

    def get_policy_parts(self, request, response, report_only: bool = False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(self.ADMIN_PREFIX):
            parts.replace = {
                **(parts.replace or {}),
                "script-src": [SELF, UNSAFE_INLINE],
                "style-src": [SELF, UNSAFE_INLINE],
            }
        return parts


PRIVATE = "private, no-store"


def is_personal(request) -> bool:
    """Whether an answer belongs to one person: anything a signed-in person gets, and
    anything reached through a personal link (a token in the URL: confirmation and
    cancellation of a sign-up, certificates, personal calendar feeds, newsletter settings)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and "token" in match.kwargs


class PrivateCacheControlMiddleware:
    """``Cache-Control: private, no-store`` on every personal answer (exports, dashboard,
    account pages, private spaces, registrations, token links), so that no shared cache or
    browser history keeps a copy. Runs inside the page cache, which then stores none of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal(request):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
