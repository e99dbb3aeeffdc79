"""Organisations (with their contact persons and services) and measures in the site search."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from treffpunkt.core.search import Hit, register, search


def _index_page(model, site):
    """The site's page listing these things, in the visitor's language if it has one."""
    pages = model.objects.live().in_site(site)
    return (
        pages.filter(locale=Locale.get_active()).first()
        or pages.filter(locale=Locale.get_default()).first()
        or pages.first()
    )


def search_organisations(request, site, query: str) -> list[Hit]:
    from .models import Organisation, OrganisationDirectoryPage

    directory = _index_page(OrganisationDirectoryPage, site)
    base = directory.get_url(request=request) if directory else None
    if not base:
        return []
    found = search(Organisation.objects.filter(site_id=site.pk), query)
    return [
        Hit(title=o.name, url=f"{base}{o.slug}/", text=o.services or o.description or "")
        for o in found
    ]


def search_measures(request, site, query: str) -> list[Hit]:
    from .models import Measure, MeasureIndexPage

    index_page = _index_page(MeasureIndexPage, site)
    base = index_page.get_url(request=request) if index_page else None
    if not base:
        return []
    found = search(Measure.objects.filter(site_id=site.pk), query)
    return [Hit(title=m.title, url=f"{base}{m.slug}/", text=m.goal or "") for m in found]


def connect() -> None:
    register("organisations", _("Organisations and contacts"), search_organisations, order=10)
    register("measures", _("Measures"), search_measures, order=20)
