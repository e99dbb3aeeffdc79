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
