import re

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale, Page, Site

from treffpunkt.plugins import registry

from .restrictions import visible_to

MAX_QUERY_LENGTH = 200


def search(request):
    """Full-text search over the live pages of this site in the visitor's language."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    site = Site.find_for_request(request)
    results = Page.objects.none()
    if query and site is not None:
        pages = Page.objects.live().in_site(site).filter(locale=Locale.get_active())
        # not only .public(): a page whose translation (or a page above that) is
        # restricted is restricted too, and its title and text stay out of the results
        pages = visible_to(pages, request.user)
        pages = registry.without_pages_of_plugins_off(pages, site)
        # Words only: quotes, ">", "~", "*" and the like are query syntax to SQLite's FTS5
        # (an unterminated string is a database error); people search for words.
        terms = " ".join(re.findall(r"\w+", query))
        results = pages.specific().search(terms) if terms else results
    page_number = request.GET.get("page", "1")
    paginator = Paginator(results, 10)
    page_obj = paginator.get_page(page_number)
    return render(request, "core/search.html", {"query": query, "page_obj": page_obj})
