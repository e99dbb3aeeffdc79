"""Extension points of the calendar: how apps and plugins put entries into it.

Each is a :class:`~treffpunkt.plugins.signals.SiteSignal`: sent with the Wagtail ``Site`` as
sender; a receiver in a plugin runs only where that plugin is enabled. An app that answers
them declares the kinds of its entries in ``calendar_kinds`` (see
:mod:`treffpunkt.calendar.kinds`).
"""

from treffpunkt.plugins.signals import SiteSignal

calendar_entries = SiteSignal()
"""Entries for the calendar pages (list and month views) and the "upcoming" blocks.

Sender: the ``Site``. Arguments: ``start`` and ``end`` (aware datetimes: the range shown;
return what overlaps it), ``user`` (the visitor: an ``AnonymousUser`` or a ``User``; return
only what this person may see), ``filters`` (a dict that may hold ``action_field`` (an id),
``working_group`` (a page id), ``organisation`` (an id), ``language`` (a code), ``kind`` (one
of the declared kinds: the calendar's type filter); a receiver that cannot honour a filter
that is set returns nothing; entries of another kind than a set ``kind`` are dropped by the
calendar). Return: a list of :class:`treffpunkt.calendar.CalendarEntry`, one per occurrence
(recurring things expanded).
"""

ical_components = SiteSignal()
"""Components for the iCalendar feeds.

Sender: the ``Site``. Arguments: ``user`` (as above; ``None`` for the public feeds, which
must hold only public entries), ``filters`` (as above; a receiver returns nothing when a
``kind`` is set that is not one of its own). Return: a list of ``icalendar.Event``
components. A recurring series is one VEVENT with RRULE/EXDATE plus one VEVENT per changed
date (same UID, RECURRENCE-ID); DTSTART/DTEND carry the TZID Europe/Berlin. The feed adds
VTIMEZONE, so receivers need not.
"""

ical_version = SiteSignal()
"""A cheap fingerprint of what a receiver's ``ical_components`` would answer, so that a feed
polled again is not built again (a 304 or the cached body instead).

Sender: the ``Site``. Arguments: ``user`` and ``filters``, as for ``ical_components``.
Return: any value with a stable ``repr`` (e.g. counts and latest change times from one or
two aggregate queries) that changes whenever those components could change, apart from
page publications, moves and view restrictions, which the calendar notices itself (Wagtail
logs each of them), and the passing of days. A module that answers ``ical_components`` must
answer this one too; while it does not, every feed of the site is built on every request.
"""

calendar_page = SiteSignal()
"""The page that shows the site's whole calendar (the "all events" link of blocks).

Sender: the ``Site``. Arguments: none. Return: a live page of that site, or None. The first
page returned is used.
"""
