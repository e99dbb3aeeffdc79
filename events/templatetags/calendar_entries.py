"""``{% calendar_entry line %}``: a line of the calendar's list (``events/includes/entry.html``),
kept as HTML in this process per everything it shows.

A calendar page lists its dates as cards; each card shows only its entry's fields and the
line's rhythm ("every Tuesday, next 8 Dec"), in the visitor's language and time zone. All of
them are part of the key, so a card is never out of date: a changed title, date or
cancellation is another key. The oldest cards go first when :data:`MAX_ENTRIES` are kept.
"""

from __future__ import annotations

import threading

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

TEMPLATE = "events/includes/entry.html"
MAX_ENTRIES = 2000

_lock = threading.Lock()
_kept: dict[tuple, str] = {}


def _key(line) -> tuple:
    entry = line.entry
    return (
        get_language(),
        timezone.get_current_timezone_name(),
        line.recurring,
        str(line.rhythm) if line.recurring else "",
        entry.uid,
        entry.title,
        entry.start,
        entry.end,
        entry.url,
        entry.all_day,
        entry.location,
        entry.summary,
        str(entry.kind_label),
        entry.cancelled,
        tuple(entry.languages),
    )


@register.simple_tag
def calendar_entry(line) -> str:
    """What ``{% include "events/includes/entry.html" with entry=line.entry line=line %}``
    renders (the template uses nothing else of the page's context)."""
    key = _key(line)
    html = _kept.get(key)
    if html is None:
        html = render_to_string(TEMPLATE, {"entry": line.entry, "line": line})
        with _lock:
            if len(_kept) >= MAX_ENTRIES:
                del _kept[next(iter(_kept))]
            _kept[key] = html
    return mark_safe(html)  # noqa: S308 - the template escaped it
