"""Public URLs of events/ in every language (token links, organiser tools)."""

from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <day:>

from . import views

app_name = "events"

urlpatterns = [
    path("anmeldung/<token:token>/bestaetigen/", views.confirm_view, name="confirm"),
    path("anmeldung/<token:token>/absagen/", views.cancel_view, name="cancel"),
    path("anmeldung/<token:token>/bescheinigung.pdf", views.certificate_view, name="certificate"),
    path("veranstaltungen/<id:page_id>/absagen/", views.cancel_own, name="cancel_own"),
    path("anmeldungen/<uuid:public_id>/absagen/", views.cancel_mine, name="cancel_mine"),
    path("veranstaltungen/<id:page_id>/pruefung.json", views.challenge_view, name="challenge"),
    path(
        "veranstaltungen/<id:page_id>/anmeldungen/",
        views.registrations_view,
        name="registrations",
    ),
    path(
        "veranstaltungen/<id:page_id>/anmeldungen.json",
        views.counts_json,
        name="registrations_json",
    ),
    path("veranstaltungen/<id:page_id>/anmeldungen.csv", views.export_csv, name="export_csv"),
    path("veranstaltungen/<id:page_id>/anmeldungen.xlsx", views.export_xlsx, name="export_xlsx"),
    path(
        "veranstaltungen/<id:page_id>/anmeldungen/checkin/<uuid:public_id>/",
        views.check_in_view,
        name="check_in",
    ),
    path(
        "veranstaltungen/<id:page_id>/anmeldungen/ticket/",
        views.ticket_check_in,
        name="ticket_check_in",
    ),
    path(
        "veranstaltungen/<id:page_id>/anmeldungen/ticket/<str:code>/",
        views.ticket_view,
        name="ticket",
    ),
    path(
        "veranstaltungen/<id:page_id>/anmeldungen/beitrag/<uuid:public_id>/",
        views.decide_view,
        name="decide",
    ),
]
