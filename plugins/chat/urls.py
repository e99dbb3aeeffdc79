from django.urls import path

from . import views

# mounted under /chat/ with namespace plugins:chat; 404 where the plugin is off
urlpatterns = [
    path("", views.room_list, name="rooms"),
    path("settings/", views.preferences, name="preferences"),
    path("<int:room_id>/", views.room, name="room"),
    path("<int:room_id>/send/", views.post, name="post"),
    path("<int:room_id>/mute/", views.mute, name="mute"),
    path("messages/<int:message_id>/report/", views.report, name="report"),
]
