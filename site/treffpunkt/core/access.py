"""The one login-required rule of the site's own views.

An access check raises :class:`LoginRequired` when the visitor is not signed in (and
``PermissionDenied`` when they are but may not); the view answers the first with Django's
``redirect_to_login``, to the sign-in page and back to where they wanted to go.
"""

from __future__ import annotations


class LoginRequired(Exception):
    """The visitor has to sign in before this check can say yes."""


def require_login(user) -> None:
    """Raise :class:`LoginRequired` for a visitor who is not signed in."""
    if not getattr(user, "is_authenticated", False):
        raise LoginRequired
