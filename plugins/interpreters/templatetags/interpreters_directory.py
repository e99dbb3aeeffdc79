"""The pool's part of the network's contact directory: mediators who chose to be listed."""

from __future__ import annotations

from django import template
from django.db.models import Prefetch
from wagtail.models import Site

from ..languages import POOL_LANGUAGES
from ..models import Mediator, MediatorLanguage

register = template.Library()


def _pool_codes(directory_code: str) -> list[str]:
    """The pool's ISO 639-3 codes for a language of the directory's filter (CLDR codes:
    "ar" is Arabic, "fa" Farsi and Dari, "ku" Kurmanji)."""
    return [code for code, cldr in POOL_LANGUAGES.items() if cldr.split("_")[0] == directory_code]


@register.simple_tag(takes_context=True)
def directory_mediators(context) -> list[Mediator]:
    """The town's active mediators who chose to appear in the contact directory, narrowed
    to a language the visitor filters by; none on later pages of the list or when the
    visitor searches for a word or a field of action (mediators have neither)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    page_obj = context.get("page_obj")
    if page_obj is not None and getattr(page_obj, "number", 1) != 1:
        return []
    form = context.get("form")
    filters = form.cleaned_data if form is not None and hasattr(form, "cleaned_data") else {}
    if filters.get("q") or filters.get("action_field") or filters.get("kind"):
        return []
    mediators = Mediator.objects.filter(
        site=site, active=True, in_directory=True, user__is_active=True
    )
    if filters.get("language"):
        mediators = mediators.filter(languages__language__in=_pool_codes(filters["language"]))
    return list(
        mediators.select_related("user")
        .prefetch_related(
            Prefetch("languages", queryset=MediatorLanguage.objects.order_by("-level", "pk"))
        )
        .distinct()
        .order_by("user__first_name", "user__last_name", "pk")[:60]
    )


@register.filter
def lang_tag(code: str) -> str:
    """The BCP 47 tag of a pool language's name (``prs`` → ``fa-AF``)."""
    return POOL_LANGUAGES.get(code, code).replace("_", "-")
