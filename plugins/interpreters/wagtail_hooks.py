"""The coordinators' admin: mediators (languages, availability, absences), requests and
assignments of their own town only. Menu items are named "interpreters-…" so they hide on
sites where the plugin is off."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from treffpunkt.accounts import scope
from treffpunkt.accounts.scope import SiteScopedViewSetMixin

from .models import Assignment, Mediator, Offer, Request

scope.register(Mediator, site="site")
scope.register(Request, site="site")
scope.register(Offer, site="request__site")
scope.register(Assignment, site="request__site")


class AssignmentPermissionPolicy(ModelPermissionPolicy):
    """An assignment comes only from a mediator accepting an offer (the first acceptance
    wins, under the request's lock). The admin corrects its hours and travel; it never adds
    one beside that path, which would skip the double-booking check."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "add"])


register_permission_policy(Assignment, AssignmentPermissionPolicy(Assignment))


class MediatorViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Mediator
    name = "interpreters-mediators"
    url_prefix = "interpreters/mediators"
    icon = "user"
    menu_label = _("Language mediators")
    list_display = ["__str__", "site", "active", "monthly_wish"]
    list_filter = ["active", "site"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    add_to_admin_menu = False
    panels = [
        FieldRowPanel([FieldPanel("site"), FieldPanel("user")]),
        FieldRowPanel([FieldPanel("active"), FieldPanel("paid"), FieldPanel("in_directory")]),
        FieldPanel("gender"),
        InlinePanel("languages", label=_("Languages"), min_num=1),
        FieldPanel("topics"),
        FieldPanel("modes"),
        FieldPanel("monthly_wish"),
        MultiFieldPanel(
            [InlinePanel("availabilities", label=_("Availability"))], heading=_("When")
        ),
        InlinePanel("absences", label=_("Absences")),
        FieldPanel("notes"),
    ]


class RequestViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Request
    name = "interpreters-requests"
    url_prefix = "interpreters/requests"
    icon = "help"
    menu_label = _("Interpreting requests")
    list_display = ["__str__", "topic", "status", "requester"]
    list_filter = ["status", "language", "topic"]
    add_to_admin_menu = False
    inspect_view_enabled = True
    panels = [
        FieldPanel("site"),
        FieldPanel("status"),
        FieldRowPanel([FieldPanel("language"), FieldPanel("dialect")]),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes")]),
        FieldPanel("mode"),
        FieldPanel("place"),
        FieldPanel("topic"),
        FieldPanel("preferred_gender"),
        FieldPanel("organisation"),
        FieldPanel("note"),
        FieldPanel("offer_mode"),
        FieldPanel("answer_by"),
    ]

    def construct_view(self, view_class, **kwargs):
        # The edit and delete views put the object into the template context under its
        # model name, "request", where Wagtail's templates expect the HTTP request.
        if getattr(view_class, "context_object_name", "") is None:
            kwargs.setdefault("context_object_name", "interpreting_request")
        return super().construct_view(view_class, **kwargs)


class AssignmentViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Assignment
    name = "interpreters-assignments"
    url_prefix = "interpreters/assignments"
    icon = "date"
    menu_label = _("Assignments")
    list_display = ["__str__", "starts_at", "confirmed_minutes", "travel_km"]
    add_to_admin_menu = False
    copy_view_enabled = False
    panels = [
        FieldPanel("mediator_minutes"),
        FieldPanel("requester_minutes"),
        FieldPanel("travel_km"),
        FieldPanel("confirmed_minutes"),
    ]

    def get_queryset(self, request):
        return Assignment.objects.select_related("mediator__user", "request")


class InterpretersViewSetGroup(ViewSetGroup):
    menu_label = _("Interpreter pool")
    menu_icon = "globe"
    menu_name = "interpreters"
    items = (RequestViewSet, MediatorViewSet, AssignmentViewSet)


@hooks.register("register_admin_viewset")
def register_interpreters_viewsets():
    return InterpretersViewSetGroup()
