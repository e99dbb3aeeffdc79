from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <token:>

from . import views

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("danke/", views.subscribed, name="subscribed"),
    path("bestaetigen/<token:code>/", views.confirm, name="confirm"),
    path("einstellungen/<token:token>/", views.preferences, name="preferences"),
    path("abmelden/<token:token>/", views.unsubscribe, name="unsubscribe"),
]
