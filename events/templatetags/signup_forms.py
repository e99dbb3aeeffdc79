"""``{% submission_field %}``: the random token that makes one sign-up form one sign-up."""

from __future__ import annotations

import secrets

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def submission_field() -> str:
    """A hidden field with a new random token. The page cache gives every visitor a new one
    (treffpunkt.core.pagecache), so a cached page never hands two visitors the same token."""
    return format_html(
        '<input type="hidden" name="submission" value="{}">', secrets.token_urlsafe(24)
    )
