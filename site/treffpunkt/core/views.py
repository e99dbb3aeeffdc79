from django.shortcuts import render
from wagtail.models import Site

from .search import MAX_QUERY_LENGTH, search_everything


def search(request):
    """Full-text search over this site in the visitor's language: pages (with the default
    language for those not yet translated) and whatever the apps register (organisations,
    measures), grouped by kind with a count each."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    groups = search_everything(request, Site.find_for_request(request), query)
    total = sum(group.count for group in groups)
    return render(request, "core/search.html", {"query": query, "groups": groups, "total": total})
