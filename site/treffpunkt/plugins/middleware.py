from django.http import Http404
from wagtail.models import Site

from . import registry


class PluginURLMiddleware:
    """Plugin URLs (namespace ``plugins:<label>``) answer 404 on sites where it is off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        namespaces = match.namespaces if match else []
        if len(namespaces) >= 2 and namespaces[0] == "plugins":
            site = Site.find_for_request(request)
            if not registry.is_enabled(namespaces[1], site):
                raise Http404("This module is not available on this site.")
        return None
