from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog, set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from treffpunkt.accounts import views as account_views
from treffpunkt.core import (
    converters,  # noqa: F401 - registers <id:>, <day:>, <token:>
    language_choice,
    privatefiles,
    sitemap,
    webhooks,
)
from treffpunkt.core import views as core_views
from treffpunkt.plugins.urls import plugin_urlpatterns

urlpatterns = [
    # Wagtail's login and password reset are replaced by allauth's (one login, one second factor)
    path("admin/login/", account_views.admin_login),
    re_path(r"^admin/password_reset/", account_views.admin_password_reset),
    path("admin/", include(wagtailadmin_urls)),
    # Documents are private files: this view replaces Wagtail's at the same address (the
    # same checks first), sending them from private storage (see core/privatefiles.py).
    path(
        "documents/<id:document_id>/<str:document_filename>",
        privatefiles.serve_document,
        name="wagtaildocs_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    # each town's public pages in every language (hreflang alternates); what crawlers skip
    path("sitemap.xml", sitemap.sitemap, name="sitemap"),
    path("robots.txt", sitemap.robots_txt, name="robots_txt"),
    # the switcher and the language suggestion: remember the choice, show the same page in it
    path("sprache/<str:code>/", language_choice.choose_language, name="choose_language"),
    # Delivery providers report bounces and complaints here (see the newsletter plugin); only
    # with ANYMAIL_WEBHOOK_SECRET set, and only with its credentials (treffpunkt.core.webhooks).
    path("anymail/", include(webhooks.urlpatterns())),
    path("", include("networks.urls_root")),
    path("", include("events.urls_root")),
]

# Public and account pages in every language: German without prefix, others under /en/, /ar/ ...
urlpatterns += i18n_patterns(
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("konto/", include("treffpunkt.accounts.urls")),
    path("suche/", core_views.search, name="search"),
    path("", include("networks.urls")),
    path("", include("events.urls")),
    *plugin_urlpatterns(),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

handler404 = "treffpunkt.core.errors.page_not_found"
handler500 = "treffpunkt.core.errors.server_error"
