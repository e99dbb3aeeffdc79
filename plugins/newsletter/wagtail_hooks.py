from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from treffpunkt.accounts import scope
from treffpunkt.accounts.scope import SiteScopedViewSetMixin
from treffpunkt.core import converters  # noqa: F401 - registers <id:> and <day:>

from . import admin_views
from .models import Mailing, Subscriber, Topic

# Each town's managers see their town's subscribers, topics and mailings only.
scope.register(Subscriber, site="site")
scope.register(Topic, site="site")
scope.register(Mailing, site="site")


class SubscriberViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Subscriber
    icon = "mail"
    add_to_admin_menu = False
    url_prefix = "newsletter/subscribers"
    name = "newsletter_subscribers"
    list_display = ["email", "language", "status", "site", "created_at", "consent_at"]
    list_filter = ["status", "language", "site"]
    search_fields = ["email"]
    form_fields = ["site", "email", "language", "topics", "status", "consent_source"]
    export_filename = "subscribers"


class TopicViewSet(SiteScopedViewSetMixin, ModelViewSet):
    model = Topic
    icon = "tag"
    add_to_admin_menu = False
    url_prefix = "newsletter/topics"
    name = "newsletter_topics"
    list_display = ["name", "site", "sort_order"]
    form_fields = ["site", "name", "sort_order"]


subscriber_viewset = SubscriberViewSet()
topic_viewset = TopicViewSet()


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [subscriber_viewset, topic_viewset]


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("issue/<id:page_id>/", admin_views.issue, name="issue"),
        path("issue/<id:page_id>/preview/<str:language>/", admin_views.preview, name="preview"),
        path("issue/<id:page_id>/test/", admin_views.test_send, name="test_send"),
        path("issue/<id:page_id>/send/", admin_views.send, name="send"),
        path("send/<id:mailing_id>/<str:action>/", admin_views.control, name="control"),
        path("import/", admin_views.import_subscribers, name="import"),
        path("export/", admin_views.export_subscribers, name="export"),
    ]
    return [path("newsletter/", include((urls, "newsletter_admin"), namespace="newsletter_admin"))]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_send(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    items = [
        EditorMenuItem(
            _("Send newsletters"),
            reverse("newsletter_admin:index"),
            name="newsletter-send",
            icon_name="mail",
            order=1,
        ),
        EditorMenuItem(
            _("Subscribers"),
            reverse("newsletter_subscribers:index"),
            name="newsletter-subscribers",
            icon_name="user",
            order=2,
        ),
        EditorMenuItem(
            _("Topics"),
            reverse("newsletter_topics:index"),
            name="newsletter-topics",
            icon_name="tag",
            order=3,
        ),
        EditorMenuItem(
            _("Import subscribers"),
            reverse("newsletter_admin:import"),
            name="newsletter-import",
            icon_name="upload",
            order=4,
        ),
    ]
    return SubmenuMenuItem(
        _("Newsletter"), Menu(items=items), name="newsletter", icon_name="mail", order=450
    )


@hooks.register("register_page_header_buttons")
def newsletter_button(page, user, view_name=None, next_url=None):
    from wagtail.admin.widgets import Button

    if page.specific_class.__name__ == "NewsletterPage" and admin_views.can_send(user):
        yield Button(
            _("Preview and send"),
            reverse("newsletter_admin:issue", args=[page.pk]),
            icon_name="mail",
            priority=60,
        )
