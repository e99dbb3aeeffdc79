"""The meetings plugin's dates can ask for a mediator: its hosts who may request mediators
in the town get "request a mediator for this date" (through ``plugins.meetings.signals``,
connected only where the meetings plugin is installed; see ``InterpretersConfig.ready``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.meetings.signals import HostLink, date_host_links

from . import access


@receiver(date_host_links, dispatch_uid="interpreters_meeting_date")
def meeting_date_link(sender, request, series, date, **kwargs) -> HostLink | None:
    """A meeting date's hosts who may request mediators in the town: "request a mediator
    for this date" opens the request form filled in with the date, time, length and place."""
    if not access.can_request(request.user, sender):
        return None
    start = timezone.localtime(date.start)
    minutes = int((date.end - date.start).total_seconds() // 60)
    query = {
        "day": start.date().isoformat(),
        "time": start.strftime("%H:%M"),
        "duration_minutes": min(max(minutes, 15), 480),
        "place": (date.location or series.title)[:300],
        "note": series.title[:500],
    }
    url = reverse("plugins:interpreters:request_new") + "?" + urlencode(query)
    return HostLink(_("Request a language mediator for this date"), url)
