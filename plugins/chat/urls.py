from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <day:>

from . import views

# mounted under /chat/ with namespace plugins:chat; 404 where the plugin is off
urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("settings/", views.preferences, name="preferences"),
    path("<id:room_id>/", views.room, name="room"),
    path("<id:room_id>/send/", views.post, name="post"),
    path("<id:room_id>/mute/", views.mute, name="mute"),
    path("messages/<id:message_id>/report/", views.report, name="report"),
]
