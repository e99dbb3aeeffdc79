from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _


class RequireStaffMFAMiddleware:
    """Staff who can publish reach the Wagtail admin only after setting up TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_MFA_FOR_PUBLISHERS
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.can_publish()
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists():
                messages.warning(
                    request,
                    _(
                        "You can publish pages, so your account needs a second factor. "
                        "Please set up an authenticator app to continue to the admin."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
