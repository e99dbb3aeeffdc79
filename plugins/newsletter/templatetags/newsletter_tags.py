from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.html import format_html
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
def issue_body(context, page) -> str:
    """The blocks of an issue's web page, each kept as HTML (see :func:`issue_block`).

    Read from the stream's stored form: going over the stream itself converted every block
    first (a database query for each image, snippet and page a block chooses), also when
    every block's HTML was kept. A block is converted only when its HTML is built."""
    body = page.body
    parts = []
    for index, item in enumerate(body.raw_data):
        if item["type"] == "heading":
            parts.append(format_html("<h2>{}</h2>", item["value"]))
        else:
            parts.append(issue_block(context, _Stored(body, index, item), index))
    return mark_safe("".join(parts))  # noqa: S308 - escaped above and by the blocks' templates


class _Stored:
    """A block of a stream as stored (type, id and raw value); converted on first use."""

    def __init__(self, stream, index: int, item: dict):
        self._stream, self._index = stream, index
        self.block_type, self.id, self.raw_value = item["type"], item.get("id"), item["value"]

    def __getattr__(self, name):  # value, render_as_block, ...: the converted block's
        return getattr(self._stream[self._index], name)


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
    stored = getattr(block, "raw_value", None)
    if stored is not None:  # as stored: the action field's id (no query for the snippet)
        title, field_pk, limit = (
            stored.get("title"),
            stored.get("action_field"),
            stored.get("limit"),
        )
    else:
        field = block.value.get("action_field")
        title, field_pk, limit = (
            block.value.get("title"),
            field and field.pk,
            block.value.get("limit"),
        )
    raw = repr((site.pk, get_language(), title, field_pk, limit))
    key = "treffpunkt:newsletter:upcoming:" + hashlib.sha256(raw.encode()).hexdigest()
    shown: list = []

    def compute() -> str:
        shown.extend(upcoming_entries(context, block.value, site))
        return str(render())

    def seconds_for(html: str) -> float:
        now = timezone.now()
        ends = [(entry.end - now) / timedelta(seconds=1) for entry in shown]
        return min([UPCOMING_SECONDS, *ends])

    return pagecache.keep(key, compute, seconds_for)
