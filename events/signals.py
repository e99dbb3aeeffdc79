"""Extension points of events/: how other apps and plugins put entries into the calendar.

Both are :class:`~treffpunkt.plugins.signals.SiteSignal`s: sent with the Wagtail ``Site`` as
sender; a receiver in a plugin runs only where that plugin is enabled.
"""

from treffpunkt.plugins.signals import SiteSignal

calendar_entries = SiteSignal()
"""Entries for the calendar pages (list and month views) and the "upcoming" blocks.

Sender: the ``Site``. Arguments: ``start`` and ``end`` (aware datetimes: the range shown;
return what overlaps it), ``user`` (the visitor: an ``AnonymousUser`` or a ``User``; return
only what this person may see), ``filters`` (a dict that may hold ``action_field`` (an id),
``working_group`` (a page id), ``organisation`` (an id), ``language`` (a code), ``kind``
("event", "conference", "festival" or "meeting": the calendar's type filter); a receiver that
cannot honour a filter that is set returns nothing). Return: a list of
:class:`events.calendar.CalendarEntry`, one per occurrence (recurring things expanded).
"""

ical_components = SiteSignal()
"""Components for the iCalendar feeds.

Sender: the ``Site``. Arguments: ``user`` (as above; ``None`` for the public feeds, which
must hold only public entries), ``filters`` (as above). Return: a list of
``icalendar.Event`` components. A recurring series is one VEVENT with RRULE/EXDATE plus one
VEVENT per changed date (same UID, RECURRENCE-ID); DTSTART/DTEND carry the TZID
Europe/Berlin. The feed adds VTIMEZONE, so receivers need not.
"""
