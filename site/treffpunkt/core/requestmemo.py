"""What one request asks the database for more than once, it asks once.

Several parts of a page ask the same question while it is rendered: Wagtail's routing,
``Page.localized``, the menu and the event's registrations all want the Locale of the
visitor's language (four queries for one row); the view-restriction check runs twice for
the page being served. :class:`RequestMemoMiddleware` gives each request a fresh memo
(a context variable, so concurrent requests never share one) that these places read through
:func:`memoized`. Outside a request (workers, commands, tests without a client) there is no
memo and every call asks the database as before, so nothing can go stale there. (The one
exception is the Locale of a language, which this process also keeps per chrome generation:
see :func:`install_locale_memo`.)
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("treffpunkt_request_memo", default=None)


def memoized(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` once per request for ``key``; outside a request, every time."""
    memo = _memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def seed(key: tuple, value: Any) -> None:
    """Give this request's memo the answer for ``key`` read with something else (one round
    trip instead of two); outside a request, nothing."""
    memo = _memo.get()
    if memo is not None:
        memo.setdefault(key, value)


def current() -> dict | None:
    """This request's memo (None outside a request), to tell whether a value is still of it."""
    return _memo.get()


def forget(*prefix: Any) -> None:
    """Drop this request's answers whose key starts with ``prefix`` (after a change)."""
    memo = _memo.get()
    if memo:
        for key in [k for k in memo if k[: len(prefix)] == prefix]:
            del memo[key]


class RequestMemoMiddleware:
    """A fresh memo for each request (placed after the read retry, so a retried request
    starts with an empty one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


#: this process's locales per language, for one chrome generation (a Locale saved or deleted
#: starts a new one): {"generation": …, code: Locale}
_locales: dict = {}


def _kept_locale(original, manager, language_code):
    """The Locale of ``language_code`` from this process's memory while the chrome's
    generation lasts; read (and kept when no change is pending) otherwise."""
    import copy

    from treffpunkt.core import chrome

    generation = chrome.generation()
    if _locales.get("generation") == generation and language_code in _locales:
        return copy.copy(_locales[language_code])  # a copy: no request changes another's
    locale = original(manager, language_code)
    if chrome.settled():
        if _locales.get("generation") != generation:
            _locales.clear()
            _locales["generation"] = generation
        _locales[language_code] = copy.copy(locale)
    return locale


def install_locale_memo() -> None:
    """``Locale.objects.get_for_language`` through the request's memo, and through this
    process's memory while the chrome's generation lasts.

    Wagtail's ``Locale.get_active()`` (used by routing, ``Page.localized`` and our menu)
    asks for the same row each time; a page render asked four times, and every render of
    a page that links another one in the visitor's language asked once. A Locale saved or
    deleted drops the memo's locales and starts a new chrome generation."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Locale
    from wagtail.models.i18n import LocaleManager

    original = LocaleManager.get_for_language
    if getattr(original, "_treffpunkt_memo", False):
        return

    def get_for_language(self, language_code):
        if self._db not in (None, "default"):
            return original(self, language_code)
        return memoized(
            ("locale", language_code), lambda: _kept_locale(original, self, language_code)
        )

    get_for_language._treffpunkt_memo = True
    LocaleManager.get_for_language = get_for_language

    def changed(sender, **kwargs):
        forget("locale")

    post_save.connect(changed, sender=Locale, weak=False, dispatch_uid="requestmemo_locale_saved")
    post_delete.connect(
        changed, sender=Locale, weak=False, dispatch_uid="requestmemo_locale_deleted"
    )
