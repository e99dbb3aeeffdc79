"""The pool's part of the network's contact directory: mediators who chose to be listed."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import Prefetch
from wagtail.models import Site

from treffpunkt.core import pagecache

from ..languages import POOL_LANGUAGES
from ..models import Mediator, MediatorLanguage

register = template.Library()


def _pool_codes(directory_code: str) -> list[str]:
    """The pool's ISO 639-3 codes for a language of the directory's filter (CLDR codes:
    "ar" is Arabic, "fa" Farsi and Dari, "ku" Kurmanji)."""
    return [code for code, cldr in POOL_LANGUAGES.items() if cldr.split("_")[0] == directory_code]


#: how long the listed mediators are kept at most (any change of content renews them at once)
KEPT_SECONDS = 3600


@dataclass(frozen=True)
class Listed:
    """A mediator as the directory lists them: first name, address, languages (the BCP 47
    tag and the name of each, best first)."""

    first_name: str
    email: str
    languages: tuple[tuple[str, str], ...]


@register.simple_tag(takes_context=True)
def directory_mediators(context) -> list[Listed]:
    """The town's active mediators who chose to appear in the contact directory, narrowed
    to a language the visitor filters by; none on later pages of the list or when the
    visitor searches for a word or a field of action (mediators have neither).

    The same for every visitor: kept per site and language filter until content changes
    (:func:`treffpunkt.core.pagecache.keep`; mediators, their languages and their accounts
    are content the page cache follows)."""
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
    language = filters.get("language") or ""
    key = f"treffpunkt:interpreters:directory:{site.pk}:{language}"
    return pagecache.keep(key, lambda: _listed(site, language), lambda _found: KEPT_SECONDS)


def _listed(site: Site, language: str) -> list[Listed]:
    mediators = Mediator.objects.filter(
        site=site, active=True, in_directory=True, user__is_active=True
    )
    if language:
        mediators = mediators.filter(languages__language__in=_pool_codes(language))
    found = (
        mediators.select_related("user")
        .prefetch_related(
            Prefetch("languages", queryset=MediatorLanguage.objects.order_by("-level", "pk"))
        )
        .distinct()
        .order_by("user__first_name", "user__last_name", "pk")[:60]
    )
    return [
        Listed(
            first_name=mediator.first_name,
            email=mediator.user.email,
            languages=tuple(
                (lang_tag(entry.language), str(entry)) for entry in mediator.languages.all()
            ),
        )
        for mediator in found
    ]


@register.filter
def lang_tag(code: str) -> str:
    """The BCP 47 tag of a pool language's name (``prs`` → ``fa-AF``)."""
    return POOL_LANGUAGES.get(code, code).replace("_", "-")
