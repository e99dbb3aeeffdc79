"""The measures database's table, rendered once and kept until content changes.

A page of the table (measures with their field of action, target group, lead, status and
the progress of each indicator) is the same for everyone who may see the measures page:
nothing in it depends on the visitor but the language. The rendered rows are kept per site,
language, measures page, filters and page number (:func:`treffpunkt.core.pagecache.keep`)
until any content changes (a measure, an indicator, a reading, an organisation, an action
field or a page) or an hour passes. The rows are rendered without the request, so no context
processor (the visitor, a CSRF token, a nonce) can reach what is kept.

A search for words or a target group is rendered each time and not kept: free text would
give every search its own entry.
"""

from __future__ import annotations

import hashlib

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page, Site

from treffpunkt.core import pagecache

from . import queries
from .directory import PAGE_SIZE, Listing

#: the filters of the form that are choices (the free-text ones are not kept)
CHOICE_FILTERS = ("action_field", "organisation", "status")
#: how long a kept page of the table lasts at most (content changes renew it at once)
KEPT_SECONDS = 3600


def _key(*parts) -> str:
    return "treffpunkt:networks:measures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def listing(site: Site, page: Page, measures_url: str, filters: dict, number) -> Listing:
    """The page ``number`` (as the visitor asked for it) of the measures that match
    ``filters`` (the form's cleaned data, or empty), with the table's rows rendered; at most
    1 query for the count and 3 for the rows when not kept, none while kept."""
    kept = not (filters.get("q") or filters.get("target_group"))
    choices = tuple(filters.get(name) or "" for name in CHOICE_FILTERS)

    def count() -> int:
        return queries.measures(site, **filters).count()

    def keep(key: str, compute):
        return pagecache.keep(key, compute, lambda _value: KEPT_SECONDS) if kept else compute()

    total = keep(_key("count", site.pk, choices), count)
    page_obj = Paginator(range(total), PAGE_SIZE).get_page(number)

    def rows() -> str:
        first = page_obj.start_index() - 1
        measures = list(queries.measures(site, **filters)[first : first + PAGE_SIZE])
        queries.name_action_fields([m.action_field for m in measures if m.action_field], site)
        return render_to_string(
            "networks/_measure_rows.html", {"measures": measures, "measures_url": measures_url}
        )

    language = get_language() or ""
    html = keep(_key("rows", site.pk, page.pk, language, choices, page_obj.number), rows)
    return Listing(page_obj=page_obj, cards=mark_safe(html))  # noqa: S308 - rendered template
