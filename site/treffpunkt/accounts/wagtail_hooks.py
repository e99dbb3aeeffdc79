"""Towns are tenants in the admin too: bulk actions only on the user's own towns' rows, the
page chooser only with their pages, reports only of their towns."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail import hooks

from . import scope


@hooks.register("before_bulk_action")
def refuse_other_towns_in_bulk(request, action_type, objects, action_class_instance):
    """Bulk delete/publish/move of snippets and pages: every chosen row must belong to a
    town the person manages (pages are guarded by Wagtail's page permissions as well)."""
    if request.user.is_superuser:
        return None
    for obj in objects:
        if scope.scope_of(type(obj)) is not None and not scope.allows(request.user, obj):
            raise PermissionDenied
    return None


@hooks.register("after_bulk_action")
def renew_kept_people(request, action_type, objects, action_class_instance):
    """Wagtail's bulk actions on users change their rows with ``QuerySet.update`` (switching
    accounts off, for one), which sends no signal: every process reads those people's rows
    and roles again at their next page (:mod:`.keptuser`, :mod:`.roles`)."""
    from django.contrib.auth import get_user_model

    from .keptuser import users_changed
    from .roles import roles_changed

    if getattr(action_class_instance, "model", None) is get_user_model():
        users_changed()
        roles_changed()


@hooks.register("construct_page_chooser_queryset")
def choose_pages_of_own_towns(pages, request):
    return scope.page_chooser_queryset(pages, request)


@hooks.register("construct_reports_menu")
def hide_reports_of_every_town(request, menu_items):
    """Reports that list every town at once (scope.SUPERUSER_ONLY_VIEWS) are not offered."""
    if request.user.is_superuser:
        return
    from django.urls import reverse

    hidden = {reverse(name) for name in scope.SUPERUSER_ONLY_VIEWS}
    menu_items[:] = [item for item in menu_items if getattr(item, "url", None) not in hidden]


@hooks.register("construct_homepage_panels")
def workbench_panels(request, panels):
    """The admin's start page begins with what needs doing in the person's towns (the
    panels apps and plugins contribute through ``treffpunkt.signals.admin_panels``)."""
    from .workbench import panels_for

    panels[:0] = panels_for(request)
