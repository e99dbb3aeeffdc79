"""Towns are tenants in the admin too: bulk actions only on the user's own towns' rows."""

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
