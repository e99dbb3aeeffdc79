"""One save of a page at a time, so that an autosave never overwrites the editor's own save.

Wagtail's page editor autosaves while one types, and "save draft" posts the form again. An
autosave that leaves the browser at the moment of the click reaches the server beside the
explicit save. Wagtail checks whether an autosave is out of date ("saving will overwrite a
newer version") *before* it saves, without a lock: when both requests read the revisions
before either has written, the autosave passes the check, overwrites its own revision with
the older form state and makes it the latest one again. The editor's last words are gone
(seen with a newsletter issue: the text typed just before "save draft" was empty).

This middleware makes the check and the save one step per page: a POST to a page's edit view
runs in a transaction that first locks the page's row (PostgreSQL), so the second request
waits and then sees the first one's revision; an out-of-date autosave is refused by Wagtail
as it should be. SQLite (the demo, one process) has no row locks; a process lock stands in.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.urls import Resolver404, resolve

#: the admin views that save a page's form (autosave and explicit save alike)
LOCKED_VIEWS = frozenset({"wagtailadmin_pages:edit"})

_process_lock = threading.Lock()


def page_being_saved(request) -> int | None:
    """The id of the page a POST saves, or None for every other request."""
    if request.method != "POST" or not request.path_info.startswith("/admin/pages/"):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name not in LOCKED_VIEWS:
        return None
    page_id = match.kwargs.get("page_id")
    return int(page_id) if page_id is not None else None


class PageSaveLockMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page_id = page_being_saved(request)
        if page_id is None:
            return self.get_response(request)
        if connection.vendor != "postgresql":
            with _process_lock:
                return self.get_response(request)
        from wagtail.models import Page

        with transaction.atomic():
            # Waits for another save of the same page to commit; the view then reads the
            # revisions as that save left them.
            list(Page.objects.select_for_update().filter(pk=page_id).values_list("pk"))
            return self.get_response(request)
