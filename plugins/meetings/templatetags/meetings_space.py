"""``{% group_next_meetings page as upcoming %}``: a working group's next meeting dates, for
its private space (the ``group_space`` slot), each with its add-to-calendar links."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from wagtail.models import Site

register = template.Library()

#: how far ahead the private space looks, and how many dates it lists
DAYS_AHEAD, SHOWN = 90, 5


@register.simple_tag(takes_context=True)
def group_next_meetings(context, group) -> list[tuple]:
    """(date, add-to-calendar links) of the series the group hosts that the visitor may see
    (in any language of the group's page), cancelled dates marked, past ones left out."""
    from plugins.meetings import access, schedule
    from plugins.meetings.views import date_calendar_links

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None or group is None:
        return []
    series = access.visible_series(site, request.user).filter(
        working_group__translation_key=group.translation_key
    )
    now = timezone.now()
    dates = schedule.expand_many(list(series), now, now + dt.timedelta(days=DAYS_AHEAD), kept=True)
    return [(info, date_calendar_links(request, info.series, info)) for info in dates[:SHOWN]]
