"""``{% calendar_feed_links "organisation" organisation.pk name=… as links %}``: the subscribe
addresses of a public feed (https, webcal, Google, Outlook) for ``calendar/_subscribe.html``,
in the visitor's language."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Site

from treffpunkt.calendar.feeds import subscribe_links

register = template.Library()

#: the feed of each thing that has one (events/urls_root.py)
FEED_PATHS = {
    "site": "/kalender.ics",
    "action_field": "/kalender/handlungsfeld/{pk}.ics",
    "organisation": "/kalender/organisation/{pk}.ics",
    "working_group": "/kalender/arbeitsgruppe/{pk}.ics",
}


@register.simple_tag(takes_context=True)
def calendar_feed_links(context, kind: str, pk=None, name: str = "", page=None) -> dict:
    """Nothing for a ``page`` under a view restriction: its public feed answers 404."""
    from treffpunkt.core.restrictions import may_view

    if page is not None and not may_view(page, None):
        return {}
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None or kind not in FEED_PATHS:
        return {}
    language = get_language() or settings.LANGUAGE_CODE
    query = {"lang": language} if language != settings.LANGUAGE_CODE else {}
    return subscribe_links(site, FEED_PATHS[kind].format(pk=pk), query, name)
