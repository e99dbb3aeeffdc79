"""The pool's mails, each in its reader's language (the account's preferred language)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from treffpunkt.links import absolute_url

log = logging.getLogger(__name__)


def language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def link(site, name: str, *args, language: str) -> str:
    """An absolute link to a view of the plugin in ``language``."""
    with translation.override(language):
        path = reverse(f"plugins:interpreters:{name}", args=args)
    return absolute_url(site, path)


def send(user, template: str, context: dict) -> None:
    """Send one mail to ``user``; raises OSError when the mail server refuses."""
    language = language_of(user)
    with translation.override(language):
        context = {**context, "user": user, "language": language}
        subject = render_to_string(f"interpreters/email/{template}_subject.txt", context)
        body = render_to_string(f"interpreters/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
