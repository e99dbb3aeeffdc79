"""The mail provider's webhooks (bounces, complaints) under ``/anymail/``.

A forged "hard bounce" would take a confirmed subscriber off every list, so the webhooks are
answered only when ``ANYMAIL_WEBHOOK_SECRET`` ("user:password", sent by the provider as HTTP
basic auth) is set: without it every ``/anymail/`` URL answers 404, and with it django-anymail
refuses requests that lack the credentials before anything is read. ``manage.py check
--deploy`` reports a missing secret as an error (treffpunkt.core.checks).

django-anymail's URL module imports the webhooks of every provider it knows, Amazon SES's
with boto3 among them: about 36 MB in every web process. Here one view takes every
``/anymail/`` address and loads that module at the first webhook a provider sends, so a
process that never receives one never loads it.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.urls.resolvers import RegexPattern
from django.views.decorators.csrf import csrf_exempt


def webhook_secret() -> str:
    return (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET") or ""


@csrf_exempt  # the provider posts without a CSRF token; anymail's views check its credentials
def webhook(request, rest: str):
    """The provider's webhook at ``/anymail/<rest>``, answered by django-anymail's view."""
    if not webhook_secret():
        raise Http404("webhooks are off: ANYMAIL_WEBHOOK_SECRET is not set")
    match = _anymail().resolve(rest)  # an unknown address: Resolver404, a 404
    return match.func(request, *match.args, **match.kwargs)


@cache
def _anymail() -> URLResolver:
    from anymail import urls

    return URLResolver(RegexPattern(r"^"), urls.urlpatterns)


def urlpatterns() -> tuple[list[URLPattern], str]:
    """One pattern for django-anymail's webhook URLs (loaded at the first webhook)."""
    return [path("<path:rest>", webhook, name="webhook")], "anymail"
