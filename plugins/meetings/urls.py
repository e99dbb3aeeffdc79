"""Mounted under /treffen/ (namespace ``plugins:meetings``); 404 where the plugin is off."""

from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <day:>

from . import views

urlpatterns = [
    path("aufgaben/", views.my_tasks, name="my_tasks"),
    path("aufgaben/<id:task_id>/erledigt/", views.task_done, name="task_done"),
    path("einstellungen/", views.preferences, name="preferences"),
    path("kalender/<token:token>.ics", views.personal_feed, name="feed"),
    path("<id:series_id>/zusatztermin/", views.add_extra_date, name="extra_date"),
    path("<id:series_id>/<day:key>/", views.date_detail, name="date"),
    path("<id:series_id>/<day:key>/termin.ics", views.date_ics, name="date_ics"),
    path("<id:series_id>/<day:key>/zusage/", views.rsvp, name="rsvp"),
    path("<id:series_id>/<day:key>/tagesordnung/", views.add_agenda_item, name="agenda_add"),
    path(
        "<id:series_id>/<day:key>/tagesordnung/<id:item_id>/verschieben/",
        views.move_agenda_item,
        name="agenda_move",
    ),
    path(
        "<id:series_id>/<day:key>/tagesordnung/<id:item_id>/entfernen/",
        views.delete_agenda_item,
        name="agenda_delete",
    ),
    path("<id:series_id>/<day:key>/absagen/", views.cancel, name="cancel"),
    path("<id:series_id>/<day:key>/verlegen/", views.move, name="move"),
    path("<id:series_id>/<day:key>/protokoll/", views.minutes, name="minutes"),
    path("<id:series_id>/<day:key>/anwesenheit/", views.attendance, name="attendance"),
    path("<id:series_id>/<day:key>/aufgaben/", views.add_task, name="task_add"),
]
