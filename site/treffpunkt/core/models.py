from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from treffpunkt.themes import theme_choices

from .blocks import body_blocks


class HomePage(Page):
    """The start page of a town's site: who the network is and where to go next."""

    hero_title = models.CharField(_("headline"), max_length=160)
    hero_text = models.TextField(_("introduction"), max_length=600, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(body_blocks(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Welcome"),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("body")]
    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "core/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        """Besides the editors' content: the next events (a weekly date folded into one
        line) and the way to the contact directory in the visitor's language."""
        from types import SimpleNamespace

        from django.utils.translation import get_language
        from wagtail.models import Site

        from treffpunkt.calendar import calendar_page, folded

        from . import chrome

        context = super().get_context(request, *args, **kwargs)
        site = Site.find_for_request(request)
        if site is None or site.root_page.translation_key != self.translation_key:
            site = self.get_site()  # the admin's preview of another town's home page
        if site is not None:
            context["next_events"] = folded(site, request.user, limit=40)[:5]

            def links() -> dict:  # the same for every visitor of the site in a language
                found = calendar_page(site)
                return {
                    "calendar_page": SimpleNamespace(url=found.url) if found else None,
                    "help_url": _help_url(site, request),
                }

            context.update(chrome.cached("home-links", site, get_language(), links))
        return context


def _help_url(site, request) -> str:
    """The contact directory ("whom do I ask, in my language?"), filtered by the visitor's
    language, when the network app is installed."""
    from django.apps import apps
    from django.utils.translation import get_language

    if not apps.is_installed("networks"):
        return ""
    model = apps.get_model("networks", "OrganisationDirectoryPage")
    pages = model.objects.live().in_site(site)
    directory = (
        pages.filter(locale=Locale.get_active()).first()
        or pages.filter(locale=Locale.get_default()).first()
    )
    url = directory.get_url(request=request) if directory else ""
    language = get_language()
    if url and language != settings.LANGUAGE_CODE:
        url += f"?language={language}"
    return url or ""


class ContentPage(Page):
    """A standard page: text, images, calls to action, contacts, upcoming events."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = StreamField(body_blocks(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    template = "core/content_page.html"

    class Meta:
        verbose_name = _("content page")


@register_setting(icon="cog")
class SiteConfiguration(ClusterableModel, BaseSiteSetting):
    """What makes one town's site its own: theme, legal pages, contact.

    The tagline, footer text and contact lines are written in the site's default language
    here and translated per language in :class:`SiteTextTranslation` (see
    :func:`treffpunkt.core.sitetexts.site_texts` for how a page picks them).
    """

    town_name = models.CharField(_("town"), max_length=100, blank=True)
    theme = models.CharField(_("theme"), max_length=50, default="neutral", choices=theme_choices)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    imprint_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("imprint page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    footer_text = RichTextField(_("footer text"), blank=True, features=["bold", "italic", "link"])
    contact_lines = models.TextField(
        _("contact lines"),
        blank=True,
        max_length=1000,
        help_text=_("Shown in the footer, one line each: office, address, phone, opening hours."),
    )

    panels = [
        FieldPanel("town_name"),
        FieldPanel("tagline"),
        FieldPanel("theme"),
        FieldPanel("imprint_page"),
        FieldPanel("privacy_page"),
        FieldPanel("contact_email"),
        FieldPanel("footer_text"),
        FieldPanel("contact_lines"),
        InlinePanel(
            "text_translations",
            heading=_("Translations"),
            label=_("Translation of tagline, footer text and contact lines"),
        ),
    ]

    class Meta:
        verbose_name = _("site configuration")


def _translation_languages() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class SiteTextTranslation(Orderable):
    """The tagline, footer text and contact lines of a site in one more language; a field
    left empty shows the default language's text (marked as such on the page)."""

    configuration = ParentalKey(
        SiteConfiguration, related_name="text_translations", on_delete=models.CASCADE
    )
    language = models.CharField(_("language"), max_length=10, choices=_translation_languages)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    footer_text = RichTextField(_("footer text"), blank=True, features=["bold", "italic", "link"])
    contact_lines = models.TextField(_("contact lines"), blank=True, max_length=1000)

    panels = [
        FieldPanel("language"),
        FieldPanel("tagline"),
        FieldPanel("footer_text"),
        FieldPanel("contact_lines"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("translation of the site texts")
        constraints = [
            models.UniqueConstraint(
                fields=["configuration", "language"], name="core_site_text_one_per_language"
            )
        ]


@register_setting(icon="list-ul")
class NavigationSettings(ClusterableModel, BaseSiteSetting):
    """The main menu, kept by editors; page links show the title in the visitor's language."""

    panels = [InlinePanel("items", label=_("Menu items"))]

    class Meta:
        verbose_name = _("navigation")


class NavigationItem(Orderable):
    navigation = ParentalKey(NavigationSettings, related_name="items", on_delete=models.CASCADE)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(_("or address"), blank=True)
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Leave empty to use the page title.")
    )

    panels = [FieldPanel("page"), FieldPanel("url"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("menu item")
