from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.safestring import mark_safe
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


#: how long the HTML of an "upcoming events" block is kept at most (as the dates it shows)
UPCOMING_SECONDS = 300


@register.simple_tag(takes_context=True)
def issue_block(context, block, index: int) -> str:
    """One block of an issue's web page, kept as HTML.

    An issue's text, images and group news change only when the page is published: they are
    kept with the chrome per page and address (as ``{% kept_chrome %}`` does). An "upcoming
    events" block shows the next dates as of now: it is kept for everyone alike until the
    first of its dates is over, five minutes at most, or content changes
    (:func:`treffpunkt.core.pagecache.keep`, as the dates themselves are)."""
    from treffpunkt.core.templatetags.treffpunkt_tags import kept_html

    def render() -> str:
        return block.render_as_block(context=context.flatten())

    if block.block_type == "upcoming_events":
        html = _upcoming_html(context, block, render)
    else:
        html = kept_html(context, "issue-block", "page", render, index, block.id)
    return mark_safe(html)  # noqa: S308 - the blocks' own templates escaped what they show


def _upcoming_html(context, block, render) -> str:
    import hashlib
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.translation import get_language

    from treffpunkt.core import pagecache

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None or getattr(request, "is_preview", False):
        return render()
    value = block.value
    field = value.get("action_field")
    raw = repr(
        (site.pk, get_language(), value.get("title"), field and field.pk, value.get("limit"))
    )
    key = "treffpunkt:newsletter:upcoming:" + hashlib.sha256(raw.encode()).hexdigest()
    shown: list = []

    def compute() -> str:
        shown.extend(upcoming_entries(context, value, site))
        return str(render())

    def seconds_for(html: str) -> float:
        now = timezone.now()
        ends = [(entry.end - now) / timedelta(seconds=1) for entry in shown]
        return min([UPCOMING_SECONDS, *ends])

    return pagecache.keep(key, compute, seconds_for)
