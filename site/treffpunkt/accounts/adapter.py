"""allauth's adapter with login throttling that cannot be turned against the account's owner.

allauth counts failed logins per address and per account, and refuses *any* attempt once a
count is full: five wrong passwords from anywhere locked the owner out, and a few from a
shared address (a town hall, a shelter's Wi-Fi) locked out everyone behind it. Here:

- per account *and* address (``login_failed``): after 5 wrong passwords in 5 minutes that
  address may not try that account again for a while; the owner elsewhere is not affected;
- per address (``login_failed_ip``) and per account from anywhere (``login_failed_account``):
  generous limits against spraying many accounts or many addresses; they do not apply to an
  address the account has signed in from successfully before, so the owner still gets in
  from their own connection while the account is under attack.

A successful login takes back its own attempt from the counts (as allauth does), so correct
passwords never fill them. The limits are configured in ``ACCOUNT_RATE_LIMITS``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation

KNOWN_ADDRESS_SECONDS = 180 * 24 * 3600


def _login_of(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def _known_key(login: str, ip: str) -> str:
    digest = hashlib.sha256(f"{login}\x00{ip}".encode()).hexdigest()
    return f"treffpunkt:login:known:{digest}"


def remember_address(request: HttpRequest, user) -> None:
    """After a successful sign-in: this address is one the account's owner uses."""
    from allauth.account.adapter import get_adapter

    ip = get_adapter().get_client_ip(request)
    if ip and user.email:
        cache.set(_known_key(user.email.lower(), ip), 1, KNOWN_ADDRESS_SECONDS)


class _Usages:
    def __init__(self, usages: list) -> None:
        self.usages = usages

    def rollback(self) -> None:
        for usage in self.usages:
            usage.rollback()


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The per-account count of allauth is kept per account *and* address."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login_of(credentials)
        ip = self.get_client_ip(request)
        checks: list[tuple[str, str | None]] = [
            ("login_failed", self._get_login_attempts_cache_key(request, **credentials))
        ]
        if not cache.get(_known_key(login, ip)):
            checks += [("login_failed_ip", None), ("login_failed_account", login)]
        usages = []
        for action, key in checks:
            usage = ratelimit.consume(request, app="allauth.account", action=action, key=key)
            if not usage:
                _Usages(usages).rollback()
                self._login_failed_rl_usage = None
                raise self.validation_error("too_many_login_attempts")
            usages.append(usage)
        self._login_failed_rl_usage = _Usages(usages)

    def post_login(self, request: HttpRequest, user, **kwargs: Any) -> HttpResponse:
        """A person lands in their preferred language (the one their mails use), whatever
        the language of the page they signed in from, and the choice is remembered."""
        from treffpunkt.core.language_choice import offered, set_language_cookie, url_in_language

        language = getattr(user, "preferred_language", "")
        if not offered(language):
            return super().post_login(request, user, **kwargs)
        with translation.override(language):  # the "signed in" message in that language too
            response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponseRedirect):
            response["Location"] = url_in_language(request, response["Location"], language)
            set_language_cookie(response, language)
        return response
