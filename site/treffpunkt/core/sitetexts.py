"""The texts an editor sets per site (tagline, footer text, contact lines) in the visitor's
language: the translation where one is filled in, else the default language's text, each
with the language it is really in, so that the page marks it (``lang``/``dir``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# phone numbers ("02521 29-0", "+49 2861 939-0") and e-mail addresses inside a line
_LTR_RUN = re.compile(r"(\+?\d[\d /().-]{4,}\d|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


@dataclass(frozen=True)
class SiteText:
    """One text and the language it is written in."""

    value: str
    language: str

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value.strip())

    @property
    def direction(self) -> str:
        return "rtl" if self.language in settings.RTL_LANGUAGES else "ltr"

    @property
    def lines(self) -> list[SafeString]:
        """The text's non-empty lines, phone numbers and addresses isolated left to right."""
        return [isolate_ltr(line.strip()) for line in self.value.splitlines() if line.strip()]


@dataclass(frozen=True)
class SiteTexts:
    tagline: SiteText
    footer_text: SiteText
    contact_lines: SiteText


def isolate_ltr(text: str) -> SafeString:
    """``text`` escaped, with each phone number and e-mail address in ``<bdi dir="ltr">``."""
    parts = _LTR_RUN.split(text)
    html = "".join(
        format_html('<bdi dir="ltr">{}</bdi>', part) if i % 2 else escape(part)
        for i, part in enumerate(parts)
    )
    return mark_safe(html)  # noqa: S308 - every part is escaped above


def _pick(translated: str, default: str, language: str) -> SiteText:
    if translated.strip():
        return SiteText(translated, language)
    return SiteText(default, settings.LANGUAGE_CODE)


def site_texts(configuration, language: str | None = None) -> SiteTexts:
    """The site's texts for ``language`` (default: the active one); at most one query."""
    language = language or get_language() or settings.LANGUAGE_CODE
    translation = None
    if configuration is not None and language != settings.LANGUAGE_CODE:
        translation = configuration.text_translations.filter(language=language).first()

    def field(name: str) -> SiteText:
        default = getattr(configuration, name, "") or ""
        translated = getattr(translation, name, "") or ""
        return _pick(translated, default, language)

    tagline = field("tagline")
    if not tagline:
        tagline = SiteText(_("Integration network"), language)
    return SiteTexts(tagline, field("footer_text"), field("contact_lines"))
