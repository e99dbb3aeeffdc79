"""The meetings plugin's public extension point for other plugins: links on a date's page.

``date_host_links`` is a :class:`~treffpunkt.plugins.signals.SiteSignal`: receivers of a
plugin switched off for the town are not called. It is sent when a host (an integration
manager, a coordinator of the series' working group) opens an upcoming, not cancelled date
of a meeting series. Arguments: ``request`` (the ``HttpRequest``; ``request.user`` is the
host), ``series`` (the ``MeetingSeriesPage``) and ``date`` (a ``schedule.DateInfo``:
``start``/``end`` aware datetimes, ``location``, ``key``). Return a :class:`HostLink`, a
list of them, or None (nothing for this person); the date's "For hosts" box shows them as
buttons. Only the meetings plugin sends it; importing this module is the public API.
"""

from __future__ import annotations

from dataclasses import dataclass

from treffpunkt.plugins.signals import SiteSignal


@dataclass(frozen=True)
class HostLink:
    """A button in a date's "For hosts" box: its text (translated) and where it leads."""

    label: str
    url: str


date_host_links = SiteSignal()
