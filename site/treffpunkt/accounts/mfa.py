"""The staff second factor: who needs it, and whether this session has passed it.

Staff who can publish, or who can see other people's personal data (registrations and their
exports, messages to all registrants, subscriber lists, chat moderation, the committee
report), and the holders of roles plugins declare (a working group's coordinator, who
moderates its chat room), reach nothing but the sign-in and second-factor steps until the *current session*
has passed TOTP (or a recovery code). Whether it has is read from allauth's own record of the
authentication methods used in the session, never from the mere existence of an
authenticator. `REQUIRE_MFA_FOR_PUBLISHERS=false` (the demo) switches the rule off.
"""

from __future__ import annotations

from types import SimpleNamespace

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .roles import admin_and_page_rights, manages_any

#: the URL names a staff member may open before passing the second factor
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",  # setting up TOTP asks for the password again first
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "set_language",
        "choose_language",
        "javascript-catalog",
    }
)


def required() -> bool:
    return bool(getattr(settings, "REQUIRE_MFA_FOR_PUBLISHERS", True))


def needs_second_factor(user) -> bool:
    """Whether ``user`` can publish or reach other people's personal data.

    Any of: superuser, staff, access to the Wagtail admin, manager of any site,
    a page permission through one of their groups (which lets them open an event's
    registrations), or a role a plugin declares in ``second_factor_roles`` (a working
    group's coordinator who moderates its chat room)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_treffpunkt_needs_mfa", None)
    if cached is not None:
        return cached
    needed = (
        user.is_superuser
        or user.is_staff
        or manages_any(user)
        # the admin permission or a group's page permission: one query for both
        or any(admin_and_page_rights(user))
        or plugin_role_needs_it(user)
    )
    user._treffpunkt_needs_mfa = needed
    return needed


def plugin_role_needs_it(user) -> bool:
    """Whether a plugin says ``user`` holds one of its roles that need the second factor."""
    from django.utils.module_loading import import_string

    from treffpunkt.plugins.registry import declared

    return any(import_string(path)(user) for _plugin, path in declared("second_factor_roles"))


def is_publisher(user) -> bool:
    """Whether the person can publish or reach the admin (the reason they are told)."""
    return bool(
        user.is_superuser
        or user.is_staff
        or user.has_perm("wagtailadmin.access_admin")
        or manages_any(user)
    )


def passed_second_factor(request, user=None) -> bool:
    """Whether this session passed a second factor (TOTP or a recovery code) for the user."""
    user = user if user is not None else request.user
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def blocked(request) -> bool:
    """Whether the request must wait for the second factor (the view is not one of the
    sign-in steps, and the user needs a second factor this session has not passed)."""
    if not required():
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
        return False
    # the session's own record first: a session that passed asks no role of the person
    return not passed_second_factor(request) and needs_second_factor(user)


def second_factor_redirect(request) -> HttpResponseRedirect:
    """To the second-factor step: set up TOTP first when there is none, else enter a code."""
    if not has_totp(request.user):
        if is_publisher(request.user):
            text = _(
                "You can publish pages, so your account needs a second factor. "
                "Please set up an authenticator app to continue to the admin."
            )
        else:
            text = _(
                "You moderate a chat room, so your account needs a second factor. "
                "Please set up an authenticator app to continue."
            )
        messages.warning(request, text)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    target = reverse("mfa_reauthenticate")
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)


def record_totp_activation(sender, instance=None, created=False, raw=False, **kwargs):
    """Activating TOTP checks a code from the new authenticator: the session that did so (on
    allauth's activation page) has passed the second factor, recorded the way allauth
    records it. Connected to ``post_save`` of allauth's ``Authenticator``, which is saved
    only after the form accepted the code; not to ``authenticator_added``, which allauth
    sends on commit, too late for the session of a request inside a transaction."""
    from allauth.core import context
    from allauth.mfa.models import Authenticator

    request = context.request
    if raw or not created or request is None or instance.type != Authenticator.Type.TOTP:
        return
    user = getattr(request, "user", None)
    if user is None or user.pk != instance.user_id:
        return
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "mfa_activate_totp":
        record_authentication(request, user, "mfa", id=instance.pk, type=instance.type)


class WebsocketMFAGate:
    """The same rule for websockets (chat moderation): a socket of staff whose session has
    not passed the second factor is refused at the handshake. Runs inside the auth stack."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        from channels.db import database_sync_to_async
        from channels.security.websocket import WebsocketDenier

        user = scope.get("user")
        session = scope.get("session")
        if required() and user is not None and getattr(user, "is_authenticated", False):

            def check() -> bool:
                request = SimpleNamespace(session=session)
                return needs_second_factor(user) and not passed_second_factor(request, user)

            if await database_sync_to_async(check)():
                return await WebsocketDenier()(scope, receive, send)
        return await self.inner(scope, receive, send)
