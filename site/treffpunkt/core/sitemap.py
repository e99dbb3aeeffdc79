"""``/sitemap.xml`` and ``/robots.txt`` of each town's site, in every language.

The sitemap lists the public pages of the site that answers (told apart by host name), in
every language the site has them in: each locale's copy of the home page and what is below
it. Each entry names all its translations (``xhtml:link rel="alternate" hreflang``, and
``x-default`` for the site's default language), as the pages' own ``<head>`` does. Pages
behind a view restriction (login, groups, password) are left out, through the same check as
every other listing (:func:`treffpunkt.core.restrictions.visible_to` for nobody signed in),
and so is a page whose own ``get_sitemap_urls`` (Wagtail's) gives nothing.

A routable page adds its public sub-pages (a directory's organisations, the measures of a
measures database) through a ``sitemap_subpages(request)`` method returning dicts with
``path`` (below the page's address, the same in every language, as the language switcher
keeps it) and optionally ``lastmod``; each sub-page names the same sub-page below the page's
translations as its alternates.

``robots.txt`` keeps crawlers out of what is personal or endless (accounts, token links,
search, language choice, the admin) in every language, and names the sitemap.
"""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

from .restrictions import visible_to

#: paths (below each language prefix) that crawlers have no business in
PRIVATE_PATHS = ("accounts/", "konto/", "anmeldung/", "suche/")


def _site(request: HttpRequest) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    return site


def public_pages(site: Site):
    """The live, unrestricted pages of ``site`` in every language."""
    roots = Page.objects.live().filter(translation_key=site.root_page.translation_key)
    below_a_root = Q()
    for root in roots:
        below_a_root |= Q(path__startswith=root.path)
    if not roots:
        return Page.objects.none()
    pages = Page.objects.live().filter(below_a_root).select_related("locale").order_by("path")
    return visible_to(pages, None)


def _subpages(page: Page, request: HttpRequest) -> list[dict]:
    """What a routable page lists below itself (see the module's docstring)."""
    if not hasattr(page.specific_class or Page, "sitemap_subpages"):
        return []
    return page.specific.sitemap_subpages(request)


def _entries(request: HttpRequest, site: Site) -> list[dict]:
    by_key: dict = defaultdict(dict)
    entries = []
    for page in public_pages(site):
        relative = page.get_url(request=request)
        if not relative:
            continue
        own_rule = (page.specific_class or Page).get_sitemap_urls is not Page.get_sitemap_urls
        if own_rule and not page.specific.get_sitemap_urls(request):
            continue  # the page keeps itself out (a meeting series for members only)
        language = page.locale.language_code
        found = [{"path": "", "lastmod": page.last_published_at}, *_subpages(page, request)]
        for item in found:
            key = (page.translation_key, item["path"])
            entry = {
                "loc": request.build_absolute_uri(relative + item["path"]),
                "lastmod": item.get("lastmod"),
                "language": language,
                "key": key,
            }
            by_key[key][language] = entry["loc"]
            entries.append(entry)
    offered = [code for code, _name in settings.LANGUAGES]
    for entry in entries:
        versions = by_key[entry["key"]]
        entry["alternates"] = [(code, versions[code]) for code in offered if code in versions]
        if len(entry["alternates"]) > 1 and settings.LANGUAGE_CODE in versions:
            entry["alternates"].append(("x-default", versions[settings.LANGUAGE_CODE]))
    return entries


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for entry in _entries(request, site):
        lines.append(f"<url><loc>{escape(entry['loc'])}</loc>")
        if entry["lastmod"]:
            lines.append(f"<lastmod>{entry['lastmod']:%Y-%m-%d}</lastmod>")
        for code, url in entry["alternates"] if len(entry["alternates"]) > 1 else ():
            lines.append(f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(url)}/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines) + "\n", content_type="application/xml; charset=utf-8")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    _site(request)  # only for a town's host
    prefixes = [""] + [
        f"{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    ]
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /sprache/", "Disallow: /i18n/"]
    lines += [f"Disallow: /{prefix}{path}" for prefix in prefixes for path in PRIVATE_PATHS]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
