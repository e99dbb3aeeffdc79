"""The language a visitor chose, remembered in the language cookie.

Addresses decide the language of a page (German without prefix, ``/ar/``, ``/uk/`` ...), so a
link shared in German always opens in German and nothing redirects on its own. What is
remembered is the visitor's *choice*:

- a pick in the language switcher, or in the one-line suggestion that a first visit gets
  when the browser prefers another offered language, goes through :func:`choose_language`,
  which stores it in the cookie (``LANGUAGE_COOKIE_NAME``) and leads to the same page in
  that language;
- a sign-in leads to the person's preferred language (their profile's, which their mails
  use too) and stores it in the cookie as well (see the accounts adapter).

The suggestion (``static/js/language-suggestion.js``) reads the cookie: once a choice is
made it is not offered again for pages in that language.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from wagtail.models import Locale, Site


def offered(code: str | None) -> bool:
    return code in {language for language, _name in settings.LANGUAGES}


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _page_in_language(request: HttpRequest, path: str, language: str) -> str | None:
    """The address of a Wagtail page (or a routable page's sub-page) in another language,
    through the page's translation or alias; None when there is none."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [part for part in path.strip("/").split("/") if part]
    try:
        page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
    except Http404:
        return None
    page_url = page.get_url(request=request) or ""
    remainder = request_path_remainder(path, page_url)
    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if locale else None
    if translated is None or not translated.live:
        return None
    url = translated.get_url(request=request)
    return url + remainder if url else None


def request_path_remainder(path: str, page_url: str) -> str:
    return path[len(page_url) :] if page_url and path.startswith(page_url) else ""


def url_in_language(request: HttpRequest, url: str, language: str) -> str:
    """The same address in another language, as the language switcher has it: a page's
    translation (or alias) and a sub-page below it; otherwise the address with its language
    prefix changed. Addresses of other hosts and unknown ones stay."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return url
    path = parts.path or "/"
    source = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    if source == language:
        return url
    with translation.override(source):
        try:
            match = resolve(path)
        except Resolver404:
            return url
        if match.url_name == "wagtail_serve":
            prefix = f"/{source}/" if source != settings.LANGUAGE_CODE else "/"
            translated = _page_in_language(request, "/" + path.removeprefix(prefix), language)
            if translated is not None:
                return urlunsplit(("", "", translated, parts.query, parts.fragment))
        # elsewhere (and for a page without translation, as the switcher does): the prefix
        return translate_url(url, language)


@never_cache
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """``/sprache/<code>/?next=<address>``: remember the choice, go to the page in it."""
    if not offered(code):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    target = url_in_language(request, target, code)
    if target == "/" and code != settings.LANGUAGE_CODE:
        target = f"/{code}/"
    response = HttpResponseRedirect(target)
    set_language_cookie(response, code)
    return response
