"""URLs outside the language prefix: the iCalendar feeds and files."""

from django.urls import path

from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <day:>

from . import views

urlpatterns = [
    path("kalender.ics", views.site_feed, name="events_feed"),
    path(
        "kalender/handlungsfeld/<id:pk>.ics",
        views.action_field_feed,
        name="events_feed_action_field",
    ),
    path(
        "kalender/organisation/<id:pk>.ics",
        views.organisation_feed,
        name="events_feed_organisation",
    ),
    path(
        "kalender/arbeitsgruppe/<id:pk>.ics",
        views.working_group_feed,
        name="events_feed_working_group",
    ),
    path("kalender/veranstaltung/<id:pk>.ics", views.event_page_ics, name="events_event_ics"),
]
