from django.http import HttpResponse
from django.urls import path

from treffpunkt.urls import handler404, handler500  # noqa: F401
from treffpunkt.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The yardstick: a Django view doing nothing, through the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bare__", bare), *site_urlpatterns]
