"""The contact directory's list of organisations, rendered once and kept with the chrome.

The cards of a page of the directory (organisations, their fields of action, languages and
contact persons as editors entered them for publication) are the same for everyone who may
see the directory: nothing in them depends on the visitor but the language. Rendering 25
cards is most of what the page costs, so the rendered cards are kept per site, language,
directory page, filters and page number under the chrome's generation
(:func:`treffpunkt.core.chrome.cached`), which :mod:`networks.receivers` renews when an
organisation, a contact person or an action field changes, and the core when a page is
published or moved. The cards are rendered without the request, so no context processor
(the visitor, a CSRF token, a nonce) can reach what is kept.

A search for words is rendered each time and not kept: free text would give every search
its own entry. The filters kept are choices of the form (fields of action, languages,
kinds), a bounded set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from wagtail.models import Page, Site

from treffpunkt.core import chrome

from . import queries

PAGE_SIZE = 25
#: the filters of the form that are choices (the search words are not kept)
CHOICE_FILTERS = ("action_field", "language", "kind")


@dataclass(frozen=True)
class Listing:
    """One page of the directory: the pagination (over the count only) and its cards."""

    page_obj: PaginatorPage
    cards: SafeString


def listing(site: Site, page: Page, directory_url: str, filters: dict, number) -> Listing:
    """The page ``number`` (as the visitor asked for it) of the organisations that match
    ``filters`` (the form's cleaned data, or empty), with their cards rendered; at most
    2 queries for the count and 4 for the cards when not kept, none while kept."""
    kept = not filters.get("q")
    choices = tuple(filters.get(name) or "" for name in CHOICE_FILTERS)

    def count() -> int:
        return queries.organisations(site, **filters).count()

    total = chrome.cached("directory-count", site, "", count, *choices) if kept else count()
    # a paginator over the count alone: it resolves the number asked for (out of range,
    # not a number) as Django's does, without loading a row
    page_obj = Paginator(range(total), PAGE_SIZE).get_page(number)

    def cards() -> str:
        return _render_cards(site, directory_url, filters, page_obj) if total else ""

    language = get_language() or ""
    html = (
        chrome.cached("directory-cards", site, language, cards, page.pk, *choices, page_obj.number)
        if kept
        else cards()
    )
    return Listing(page_obj=page_obj, cards=mark_safe(html))  # noqa: S308 - rendered template


def _render_cards(site: Site, directory_url: str, filters: dict, page_obj: PaginatorPage) -> str:
    first = page_obj.start_index() - 1
    organisations = list(queries.organisations(site, **filters)[first : first + PAGE_SIZE])
    queries.name_action_fields(
        [f for organisation in organisations for f in organisation.action_fields.all()], site
    )
    language = filters.get("language") or ""
    action_field = filters.get("action_field") or ""
    for organisation in organisations:
        organisation.matching_contacts = queries.matching_contacts(
            organisation, language, action_field
        )
    return render_to_string(
        "networks/_directory_cards.html",
        {"organisations": organisations, "directory_url": directory_url},
    )
