from .mfa import blocked, second_factor_redirect


class RequireStaffMFAMiddleware:
    """Staff who need a second factor reach no view (admin or not) before passing it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if blocked(request):
            response = second_factor_redirect(request)
            response["Cache-Control"] = "private, no-store"
            return response
        return self.get_response(request)
