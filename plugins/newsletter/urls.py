from django.urls import path

from . import views

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("danke/", views.subscribed, name="subscribed"),
    path("bestaetigen/<str:code>/", views.confirm, name="confirm"),
    path("einstellungen/<str:token>/", views.preferences, name="preferences"),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
