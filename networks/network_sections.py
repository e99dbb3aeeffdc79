"""The sections of the network page that are the same for every visitor, rendered once and
kept with the chrome.

The fields of action (with their links to measures, contacts and calendar feeds) and the
member organisations depend only on the site, the visitor's language and the published pages,
action fields and organisations: the rendered sections are kept per site, language and page
under the chrome's generation (:func:`treffpunkt.core.chrome.cached`), which
:mod:`networks.receivers` renews when an action field or organisation changes and the core when
a page is published or moved. The working groups (a member may see restricted ones) and the
upcoming events (each member their own) are rendered per request and never kept here.

The sections are rendered without the context processors: the only value of the request
their templates read is the site, through ``pageurl`` and ``calendar_feed_links``.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Site

from treffpunkt.core import chrome


def shared_sections(request, site: Site | None, page, context: dict) -> dict[str, SafeString]:
    """``fields`` and ``members``: the two sections' HTML for ``page``, from ``context`` (the
    page's context with its action fields, member organisations and sections)."""
    names = (
        "action_fields",
        "measures_page",
        "directory_page",
        "directory_url",
        "member_organisations",
        "member_count",
    )
    values = {name: context.get(name) for name in names}
    values["request"] = request

    def compute() -> tuple[str, str]:
        return (
            render_to_string("networks/_network_fields.html", values),
            render_to_string("networks/_network_members.html", values),
        )

    fields, members = chrome.cached(
        "network-shared-sections", site, get_language() or "", compute, page.pk
    )
    return {"fields": mark_safe(fields), "members": mark_safe(members)}  # noqa: S308
