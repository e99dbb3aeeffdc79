"""The admin for managers of a town: programmes, mentors, applications and matches.

Coordinators who are not managers work on the site's own pages (/patenschaften/koordination/);
the admin is where a town's managers set programmes up and add mentors.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from treffpunkt.accounts import roles, scope
from treffpunkt.accounts.scope import SiteScopedViewSetMixin

from .models import Application, Match, MentorProfile, Programme

# Each town's managers see their town's programmes and everything in them, nothing else.
scope.register(Programme, site="site")
scope.register(MentorProfile, site="programme__site")
scope.register(Application, site="programme__site")
scope.register(Match, site="programme__site")


class ProgrammeViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Programme
    icon = "group"
    add_to_admin_menu = False
    url_prefix = "mentoring/programmes"
    name = "mentoring_programmes"
    list_display = ["name", "kind", "organisation", "site", "accepts_applications"]
    list_filter = ["kind", "site"]
    search_fields = ["name"]
    form_fields = [
        "site",
        "name",
        "kind",
        "organisation",
        "action_field",
        "description",
        "coordinators",
        "checkin_interval_weeks",
        "accepts_applications",
        "with_children",
    ]


class MentorViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = MentorProfile
    icon = "user"
    add_to_admin_menu = False
    url_prefix = "mentoring/mentors"
    name = "mentoring_mentors"
    list_display = ["name", "programme", "languages", "area", "active", "police_certificate_date"]
    list_filter = ["programme", "active", "works_with_children"]
    search_fields = ["name", "email"]
    form_fields = [
        "programme",
        "user",
        "name",
        "email",
        "phone",
        "language",
        "languages",
        "offers",
        "interests",
        "area",
        "availability",
        "max_matches",
        "works_with_children",
        "police_certificate_date",
        "active",
    ]


class ApplicationViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Application
    icon = "form"
    add_to_admin_menu = False
    url_prefix = "mentoring/applications"
    name = "mentoring_applications"
    list_display = ["name", "programme", "status", "created_at", "confirmed_at"]
    list_filter = ["programme", "status"]
    search_fields = ["name", "email"]
    form_fields = [
        "programme",
        "status",
        "name",
        "email",
        "phone",
        "language",
        "languages",
        "seeks",
        "area",
        "availability",
        "family",
        "with_children",
        "message",
        "applied_by",
        "counsellor_name",
        "share_phone",
        "share_email",
    ]


class MatchViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Match
    icon = "link"
    add_to_admin_menu = False
    url_prefix = "mentoring/matches"
    name = "mentoring_matches"
    list_display = ["__str__", "programme", "status", "proposed_at", "started_at", "ended_at"]
    list_filter = ["programme", "status"]
    form_fields = ["status", "first_meeting_at", "first_meeting_place", "end_reason"]


programme_viewset = ProgrammeViewSet()
mentor_viewset = MentorViewSet()
application_viewset = ApplicationViewSet()
match_viewset = MatchViewSet()


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [programme_viewset, mentor_viewset, application_viewset, match_viewset]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.manages_any(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    items = [
        ManagerMenuItem(
            _("Programmes"),
            reverse("mentoring_programmes:index"),
            name="mentoring-programmes",
            icon_name="group",
            order=1,
        ),
        ManagerMenuItem(
            _("Mentors"),
            reverse("mentoring_mentors:index"),
            name="mentoring-mentors",
            icon_name="user",
            order=2,
        ),
        ManagerMenuItem(
            _("Applications"),
            reverse("mentoring_applications:index"),
            name="mentoring-applications",
            icon_name="form",
            order=3,
        ),
        ManagerMenuItem(
            _("Matches"),
            reverse("mentoring_matches:index"),
            name="mentoring-matches",
            icon_name="link",
            order=4,
        ),
    ]
    return SubmenuMenuItem(
        _("Mentoring"), Menu(items=items), name="mentoring", icon_name="group", order=460
    )
