"""Turning an issue into mails: one rendering per language edition, then per-recipient fill-in.

An edition is rendered once (HTML with inlined CSS, and a plain-text part made from it) with
the personal parts left as placeholders; each recipient's mail then only replaces those. So a
send of 10,000 renders the templates once per language, not 10,000 times.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from treffpunkt.links import absolute_url
from treffpunkt.links import site_root as _site_root

if TYPE_CHECKING:
    from wagtail.models import Site

    from .models import NewsletterPage, Subscriber

#: the placeholders an editor may write into an issue, e.g. "{{ unsubscribe_url }}"
PLACEHOLDERS = ("email", "preferences_url", "unsubscribe_url", "archive_url")
PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# An opening "{{" without its closing pair, or template tags, are typos that would go out raw.
BROKEN_RE = re.compile(r"\{\{(?![^{}]*\}\})|\{%")


def _texts_of(page: NewsletterPage) -> list[str]:
    raw = page.body.raw_data if page.body is not None else []
    return [page.title, page.intro or "", json.dumps(list(raw), ensure_ascii=False)]


def unknown_placeholders(page: NewsletterPage) -> list[str]:
    """Placeholders in the issue that would not be filled in (empty list when all is well)."""
    bad: list[str] = []
    for text in _texts_of(page):
        for name in PLACEHOLDER_RE.findall(text):
            label = "{{ " + name + " }}"
            if name not in PLACEHOLDERS and label not in bad:
                bad.append(label)
        for match in BROKEN_RE.finditer(text):
            snippet = re.split(r'[<"\\\n]', text[match.start() : match.start() + 20])[0]
            if snippet not in bad:
                bad.append(snippet)
    return bad


@dataclass
class Edition:
    """One language edition, rendered, with placeholders still in it."""

    language: str  # the edition's own language (the default one when untranslated)
    subject: str
    html: str
    text: str
    page_id: int

    def personalise(self, values: dict[str, str]) -> tuple[str, str, str]:
        """Subject, HTML and text of one recipient's mail."""

        def fill(text: str, html: bool) -> str:
            def repl(match: re.Match) -> str:
                value = values.get(match.group(1), match.group(0))
                return escape(value) if html else value

            return PLACEHOLDER_RE.sub(repl, text)

        return fill(self.subject, False), fill(self.html, True), fill(self.text, False)


def site_root(site: Site) -> str:
    return _site_root(site)


def recipient_values(subscriber: Subscriber, site: Site) -> dict[str, str]:
    root = site_root(site)
    with translation.override(subscriber.language):
        preferences = reverse("plugins:newsletter:preferences", args=[subscriber.token])
        unsubscribe = reverse("plugins:newsletter:unsubscribe", args=[subscriber.token])
    return {
        "email": subscriber.email,
        "preferences_url": root + preferences,
        "unsubscribe_url": root + unsubscribe,
    }


def editions_of(page: NewsletterPage) -> dict[str, NewsletterPage]:
    """The live, really translated editions of an issue by language (aliases are not editions)."""
    from .models import NewsletterPage

    pages = (
        NewsletterPage.objects.live()
        .filter(translation_key=page.translation_key, alias_of__isnull=True)
        .select_related("locale")
    )
    return {p.locale.language_code: p for p in pages}


def edition_language(language: str, available: set[str]) -> str:
    """The edition a reader of ``language`` gets: their own, or the default language's."""
    return language if language in available else settings.LANGUAGE_CODE


_URL_ATTR_RE = re.compile(r'((?:href|src|srcset)=")/(?!/)')


def render_edition(page: NewsletterPage, site: Site, language: str | None = None) -> Edition:
    """Render ``page`` (one edition) as a mail, placeholders left in for ``personalise``."""
    language = language or page.locale.language_code
    root = site_root(site)
    placeholders = {name: "{{ " + name + " }}" for name in PLACEHOLDERS}
    with translation.override(language):
        archive = page.get_parent().localized
        # absolute_url: a page's own url is already absolute on a multi-site install
        placeholders_archive = absolute_url(site, archive) if archive else root
        html = render_to_string(
            "newsletter/email/issue.html",
            {
                "page": page,
                "site": site,
                "site_root": root,
                "ph": placeholders,
                "language": language,
                "text_direction": "rtl" if language in settings.RTL_LANGUAGES else "ltr",
                "web_url": absolute_url(site, page),
            },
        )
    # Mail programs do not know the site's address: every link and image must be absolute.
    html = _URL_ATTR_RE.sub(lambda m: m.group(1) + root + "/", html)
    html = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False).inline(html)
    html = html.replace("{{ archive_url }}", placeholders_archive)
    text = html_to_text(html)
    return Edition(language=language, subject=page.title, html=html, text=text, page_id=page.pk)


class _TextMaker(HTMLParser):
    BLOCK = {"p", "div", "tr", "table", "h1", "h2", "h3", "h4", "ul", "ol", "section", "article"}
    SKIP = {"style", "script", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.links: list[str | None] = []
        self.link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.skip += 1
        elif attrs.get("data-text") == "skip":
            self.skip += 1
            self.links.append("__skip__")
            return
        if tag in self.BLOCK:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "img" and attrs.get("alt"):
            self.out.append(f"[{attrs['alt']}]")
        if tag == "a":
            self.links.append(attrs.get("href"))
            self.link_text = []

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip -= 1
        if tag == "a" and self.links:
            href = self.links.pop()
            if href == "__skip__":
                self.skip -= 1
                return
            text = "".join(self.link_text).strip()
            if href and not href.startswith("mailto:") and href != text:
                self.out.append(f" ({href})")
        if tag in {"h1", "h2", "h3"}:
            self.out.append("\n")

    def handle_data(self, data):
        if self.skip:
            return
        data = re.sub(r"\s+", " ", data)
        self.out.append(data)
        if self.links:
            self.link_text.append(data)


def html_to_text(html: str) -> str:
    """The plain-text part of a mail, made from its HTML: headings, paragraphs, lists, links."""
    maker = _TextMaker()
    maker.feed(html)
    text = "".join(maker.out)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
