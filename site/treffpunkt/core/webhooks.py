"""The mail provider's webhooks (bounces, complaints) under ``/anymail/``.

A forged "hard bounce" would take a confirmed subscriber off every list, so the webhooks are
answered only when ``ANYMAIL_WEBHOOK_SECRET`` ("user:password", sent by the provider as HTTP
basic auth) is set: without it every ``/anymail/`` URL answers 404, and with it django-anymail
refuses requests that lack the credentials before anything is read. ``manage.py check
--deploy`` reports a missing secret as an error (treffpunkt.core.checks).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import URLPattern


def webhook_secret() -> str:
    return (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET") or ""


def _only_with_secret(view):
    @wraps(view)  # keeps csrf_exempt: the provider posts without a CSRF token
    def guarded(request, *args, **kwargs):
        if not webhook_secret():
            raise Http404("webhooks are off: ANYMAIL_WEBHOOK_SECRET is not set")
        return view(request, *args, **kwargs)

    return guarded


def urlpatterns() -> tuple[list[URLPattern], str]:
    """django-anymail's webhook URLs, each answering only while a secret is configured."""
    from anymail import urls

    patterns = [
        URLPattern(p.pattern, _only_with_secret(p.callback), p.default_args, p.name)
        for p in urls.urlpatterns
    ]
    return patterns, urls.app_name
