"""The network in the Wagtail admin, and the guard on working-group documents."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from treffpunkt.accounts import scope
from treffpunkt.accounts.scope import SiteScopedViewSetMixin

from . import admin_requests, admin_views
from .membership import is_member
from .models import ActionField, GroupPost, Measure, Membership, Organisation, WorkingGroupPage

# Each town's managers see and edit their town's rows only (superusers: all).
scope.register(ActionField, site="site")
scope.register(Organisation, site="site")
scope.register(Measure, site="site")
scope.register(Membership, page="working_group")
scope.register(GroupPost, page="working_group")


class ActionFieldViewSet(SiteScopedViewSetMixin, SnippetViewSet):
    model = ActionField
    icon = "tag"
    menu_label = _("Action fields")
    list_display = ["name", "slug", "site", "sort_order"]
    list_filter = ["site", "locale"]
    search_fields = ["name", "guiding_principle"]
    ordering = ["sort_order", "name"]


class OrganisationViewSet(SiteScopedViewSetMixin, SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "kind", "city", "site", "is_member"]
    list_filter = ["kind", "site", "is_member", "action_fields"]
    search_fields = ["name", "description", "services"]
    list_per_page = 50


class MeasureViewSet(SiteScopedViewSetMixin, SnippetViewSet):
    model = Measure
    icon = "list-ul"
    menu_label = _("Measures")
    list_display = ["title", "action_field", "status", "lead_organisation", "site", "updated_at"]
    list_filter = ["site", "action_field", "status"]
    search_fields = ["title", "goal", "target_group", "description"]
    list_export = ["title", "action_field", "status", "target_group", "lead_organisation"]
    list_per_page = 50

    def get_queryset(self, request):
        return Measure.objects.select_related("action_field", "lead_organisation", "site")


class MembershipViewSet(SiteScopedViewSetMixin, SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Working group memberships")
    list_display = ["__str__", "role", "status", "created_at"]
    list_filter = ["status", "role", "working_group"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    panels = [
        FieldPanel("working_group"),
        FieldPanel("user"),
        FieldPanel("organisation"),
        FieldPanel("role"),
        FieldPanel("status"),
        FieldPanel("message"),
        FieldPanel("receive_announcements"),
    ]

    def get_queryset(self, request):
        return Membership.objects.select_related("working_group", "user", "organisation")


class GroupPostViewSet(SiteScopedViewSetMixin, SnippetViewSet):
    model = GroupPost
    icon = "doc-full"
    menu_label = _("Minutes and announcements")
    list_display = ["title", "kind", "working_group", "created_at"]
    list_filter = ["kind", "working_group"]
    search_fields = ["title", "body"]
    panels = [
        FieldPanel("working_group"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("meeting_date"),
        FieldPanel("body"),
    ]


class NetworkViewSetGroup(SnippetViewSetGroup):
    items = (
        ActionFieldViewSet,
        OrganisationViewSet,
        MeasureViewSet,
        MembershipViewSet,
        GroupPostViewSet,
    )
    menu_icon = "site"
    menu_label = _("Network")
    menu_name = "network"
    menu_order = 210


register_snippet(NetworkViewSetGroup)


@hooks.register("register_admin_urls")
def report_urls():
    return [
        path("networks/report/", admin_views.committee_report, name="networks_report"),
        path(
            "networks/join-requests/answer/",
            admin_requests.answer_join_request,
            name="networks_answer_join_request",
        ),
    ]


hooks.register("register_bulk_action", admin_requests.AcceptRequestsBulkAction)
hooks.register("register_bulk_action", admin_requests.DeclineRequestsBulkAction)


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_see_report(request.user)


@hooks.register("register_reports_menu_item")
def report_menu_item():
    return ReportMenuItem(
        _("Committee report"),
        reverse("networks_report"),
        name="networks-report",
        icon_name="doc-full-inverse",
        order=900,
    )


@hooks.register("before_serve_document")
def guard_working_group_documents(document, request):
    """Files in a working group's collection are served to its members only.

    The check runs on the file URL itself (WAGTAILDOCS_SERVE_METHOD = "serve_view"), so a
    link passed on to someone else does not open the file.
    """
    group = WorkingGroupPage.objects.filter(collection_id=document.collection_id).first()
    if group is None:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_member(request.user, group):
        return HttpResponseForbidden(_("This document is for members of the working group only."))
    return None
