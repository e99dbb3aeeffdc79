"""Mounted under /patenschaften/ (namespace ``plugins:mentoring``); 404 where the plugin is off."""

from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <token:>

from . import views

urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("<id:programme_id>/bewerben/", views.apply, name="apply"),
    path("<id:programme_id>/fuer-andere/", views.apply_for, name="apply_for"),
    path("bewerbung/danke/", views.applied, name="applied"),
    path("bewerbung/bestaetigen/<token:code>/", views.confirm, name="confirm"),
    path("antwort/<token:token>/", views.answer, name="answer"),
    path("meine/", views.my_matches, name="my_matches"),
    path("koordination/", views.coordination, name="coordination"),
    path(
        "koordination/bewerbung/<id:application_id>/",
        views.application_detail,
        name="application",
    ),
    path("koordination/paar/<id:match_id>/", views.match_detail, name="match"),
]
