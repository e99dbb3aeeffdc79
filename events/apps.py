from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from treffpunkt.calendar import CalendarKind


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    #: what events/ puts into the core's calendar (see treffpunkt.calendar.kinds)
    calendar_kinds = (
        CalendarKind("event", _("Event"), _("Other events")),
        CalendarKind("conference", _("Conference"), _("Conferences")),
        CalendarKind("festival", _("Encounter festival"), _("Encounter festivals")),
    )

    def ready(self) -> None:
        from . import calendar, dashboard, kept, places, receivers, report, workbench  # noqa: F401
        from .models import Registration

        kept.connect()
        places.connect([Registration])
