"""The site (town) a page belongs to, without asking the database when the request knows it."""

from __future__ import annotations

from wagtail.models import Site


def site_of_page(page, request=None) -> Site | None:
    """The site ``page`` lies in, in any language (from Wagtail's cached list of site root
    paths). It is the request's own site object when the page lies in that site (the usual
    case: no query; Wagtail's ``Page.get_site()`` reads the row by id each time), and read by
    id otherwise (an admin previewing another town's page on this host)."""
    from treffpunkt.accounts import roles

    site_id = roles.site_of_page(page)
    if site_id is None:
        return None
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None and site.pk == site_id:
            return site
    return Site.objects.filter(pk=site_id).first()


#: Wagtail's site root paths as this process last read them: (chrome generation, paths)
_root_paths: list = [None]


def _kept_root_paths(original) -> list:
    """The site root paths from this process's memory while the chrome's generation lasts
    (with a cache shared by the processes), else as Wagtail reads them."""
    from django.conf import settings

    from . import chrome

    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return original()
    generation = chrome.generation()
    kept = _root_paths[0]
    if kept is not None and kept[0] == generation:
        return list(kept[1])
    paths = original()
    if chrome.settled():
        _root_paths[0] = (generation, tuple(paths))
    return paths


def install_site_root_paths_memo() -> None:
    """``Site.get_site_root_paths`` from this process's memory while the chrome's generation
    lasts.

    Wagtail keeps the list in the Django cache and reads it on every call: a page asked
    Redis for it three times per render (the page's site, the page's URL, its links), each
    a round trip and an unpickling. Everything Wagtail clears that list for (a site saved or
    deleted, a site root page's path changed, a page moved, a locale) starts a new chrome
    generation too. Without a shared cache another process's change would not reach this
    process's generation, so there each call reads as Wagtail does."""
    original = Site.get_site_root_paths
    if getattr(original, "_treffpunkt_memo", False):
        return

    def get_site_root_paths():
        return _kept_root_paths(original)

    get_site_root_paths._treffpunkt_memo = True
    Site.get_site_root_paths = staticmethod(get_site_root_paths)
