"""Mounted under /dolmetschen/ (namespace ``plugins:interpreters``); 404 where it is off."""

from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:>, <token:>, <year:>, <month:>

from . import views

urlpatterns = [
    path("", views.request_list, name="requests"),
    path("anfrage/", views.request_new, name="request_new"),
    path("anfrage/<id:request_id>/", views.request_detail, name="request"),
    path("anfrage/<id:request_id>/absagen/", views.request_cancel, name="request_cancel"),
    path("koordination/", views.coordinators, name="coordinators"),
    path(
        "koordination/<id:coordinator_id>/entfernen/",
        views.coordinator_remove,
        name="coordinator_remove",
    ),
    path("angebot/<token:token>/", views.offer, name="offer"),
    path("einsaetze/", views.assignments, name="assignments"),
    path("einsaetze/<id:assignment_id>/stunden/", views.assignment_hours, name="assignment_hours"),
    path("einsaetze/verzeichnis/", views.directory_choice, name="directory_choice"),
    path("anfrage/<id:request_id>/stunden/", views.request_hours, name="request_hours"),
    path("abrechnung/<year:year>-<month:month>/", views.my_statement, name="statement"),
    path(
        "abrechnung/<year:year>-<month:month>.<str:fmt>",
        views.my_statement,
        name="statement_file",
    ),
    path(
        "abrechnung/<id:mediator_id>/<year:year>-<month:month>/",
        views.mediator_statement,
        name="mediator_statement",
    ),
    path(
        "abrechnung/<id:mediator_id>/<year:year>-<month:month>.<str:fmt>",
        views.mediator_statement,
        name="mediator_statement_file",
    ),
]
