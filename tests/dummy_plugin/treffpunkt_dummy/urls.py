from django.apps import apps
from django.http import HttpResponse
from django.urls import path


def hello(request):
    greeting = apps.get_app_config("dummy").setting("GREETING")
    return HttpResponse(f"{greeting} from the dummy plugin", content_type="text/plain")


urlpatterns = [path("hello/", hello, name="hello")]
