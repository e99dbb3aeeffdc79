"""A view restriction set on one language of a page covers its other languages too."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from wagtail import hooks

from . import requestmemo
from .restrictions import may_view, rules


@hooks.register("before_serve_page")
def restrictions_of_translations(page, request, serve_args, serve_kwargs):
    """Wagtail checks the restrictions of the page and the pages above it (and answers with
    its login or password form). A translation is another page: restricting the German
    event would leave its English page open. Here the restrictions of every translation
    apply as well; a password given for one language opens the others."""
    restrictions = rules().view_restrictions(page)  # as page.get_view_restrictions() finds
    memo = requestmemo.current()
    if memo is not None:
        # Wagtail's own check (on_serve_page, right after this hook) asks the page again;
        # the answer holds for this request only, should the page object outlive it
        page_class = type(page)

        def get_view_restrictions():
            if requestmemo.current() is memo:
                return restrictions
            return page_class.get_view_restrictions(page)

        page.get_view_restrictions = get_view_restrictions
    if any(not r.accept_request(request) for r in restrictions):
        return None  # Wagtail's own check answers, with its login or password form
    if may_view(page, request.user, request):
        return None
    if not request.user.is_authenticated:
        response = redirect_to_login(request.get_full_path())
        add_never_cache_headers(response)
        return response
    raise Http404
