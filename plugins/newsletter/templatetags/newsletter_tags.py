from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Site

from treffpunkt.calendar import upcoming

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_entries(context, value, site: Site | None = None) -> list:
    """The public calendar entries an "upcoming events" block shows (mail and web alike)."""
    request = context.get("request")
    if site is None and request is not None:
        site = Site.find_for_request(request)
    if site is None:
        return []
    filters = {}
    field = value.get("action_field")
    if field is not None:
        filters["action_field"] = field.pk
    return upcoming(site, AnonymousUser(), limit=value.get("limit") or 5, filters=filters)
