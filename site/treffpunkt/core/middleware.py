from wagtail.models import Site

from treffpunkt.themes import current_theme

from .models import SiteConfiguration


class SiteMiddleware:
    """Finds the Wagtail site of the request and makes its theme the current one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = Site.find_for_request(request)
        theme = None
        if site is not None:
            request.site_configuration = SiteConfiguration.for_request(request)
            theme = request.site_configuration.theme
        token = current_theme.set(theme)
        try:
            return self.get_response(request)
        finally:
            current_theme.reset(token)
