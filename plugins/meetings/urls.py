"""Mounted under /treffen/ (namespace ``plugins:meetings``); 404 where the plugin is off."""

from django.urls import path

from . import views

urlpatterns = [
    path("aufgaben/", views.my_tasks, name="my_tasks"),
    path("aufgaben/<int:task_id>/erledigt/", views.task_done, name="task_done"),
    path("einstellungen/", views.preferences, name="preferences"),
    path("kalender/<str:token>.ics", views.personal_feed, name="feed"),
    path("<int:series_id>/zusatztermin/", views.add_extra_date, name="extra_date"),
    path("<int:series_id>/<str:key>/", views.date_detail, name="date"),
    path("<int:series_id>/<str:key>/zusage/", views.rsvp, name="rsvp"),
    path("<int:series_id>/<str:key>/tagesordnung/", views.add_agenda_item, name="agenda_add"),
    path(
        "<int:series_id>/<str:key>/tagesordnung/<int:item_id>/verschieben/",
        views.move_agenda_item,
        name="agenda_move",
    ),
    path(
        "<int:series_id>/<str:key>/tagesordnung/<int:item_id>/entfernen/",
        views.delete_agenda_item,
        name="agenda_delete",
    ),
    path("<int:series_id>/<str:key>/absagen/", views.cancel, name="cancel"),
    path("<int:series_id>/<str:key>/verlegen/", views.move, name="move"),
    path("<int:series_id>/<str:key>/protokoll/", views.minutes, name="minutes"),
    path("<int:series_id>/<str:key>/anwesenheit/", views.attendance, name="attendance"),
    path("<int:series_id>/<str:key>/aufgaben/", views.add_task, name="task_add"),
]
