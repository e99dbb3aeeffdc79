"""Absolute links for what leaves the site (feeds, mails, exports): built here, once.

A page's own ``url`` is relative on a single-site install but already absolute (with its
site's origin) on a multi-site one; adding a root URL in front of it doubled the origin
(``http://localhost:8000http://localhost:8000/treffen/…``). Every absolute link is made by
:func:`absolute_url` from the site's configured root URL (``Site.root_url``).
"""

from __future__ import annotations

from urllib.parse import urlsplit


def site_root(site) -> str:
    """The site's configured root URL without a trailing slash (``https://host[:port]``)."""
    return site.root_url.rstrip("/")


def join_root(root_url: str, url: str | None) -> str:
    """``url`` made absolute with ``root_url``, unless it already is (a page of a multi-site
    install has an absolute ``url``)."""
    text = str(url or "/")
    split = urlsplit(text)
    if split.scheme and split.netloc:
        return text
    return root_url.rstrip("/") + ("" if text.startswith("/") else "/") + text


def absolute_url(site, target) -> str:
    """The absolute URL of ``target`` on ``site``.

    ``target`` is a path (``/kalender.ics``), an absolute URL (returned unchanged) or a
    Wagtail page (its URL on its own site: the site's root URL for pages of ``site``).
    """
    if hasattr(target, "get_url_parts"):
        parts = target.get_url_parts()
        if parts is None:
            return ""
        _site_id, root_url, path = parts
        root = site_root(site) if site is not None and _site_id == site.pk else root_url
        return root.rstrip("/") + (path or "/")
    return join_root(site_root(site), str(target or "/"))


def webcal_url(url: str) -> str:
    """The same address for calendar apps (``webcal://``): a click subscribes."""
    split = urlsplit(url)
    return "webcal://" + url[len(split.scheme) + 3 :] if split.scheme in ("http", "https") else url
