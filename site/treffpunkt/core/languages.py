"""The languages something is offered in: one field, one validator, one query filter.

Events, organisations and contacts keep their languages as comma-separated codes
("de,ar,tr"); this module is the only place that knows that format.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: language codes separated by commas, e.g. "de,ar,tr"
languages_validator = RegexValidator(
    r"^([a-z]{2,3})(,[a-z]{2,3})*$",
    _("Enter language codes separated by commas, e.g. de,ar,tr."),
)


def languages_field(verbose_name, max_length: int = 200) -> models.CharField:
    """The model field of a list of language codes (a plain CharField in migrations)."""
    return models.CharField(
        verbose_name,
        max_length=max_length,
        blank=True,
        validators=[languages_validator],
        help_text=_("Language codes separated by commas, e.g. de,ar,tr."),
    )


def split_languages(value: str | None) -> list[str]:
    """The codes of a stored value: "de,ar" -> ["de", "ar"]."""
    return [code for code in (value or "").split(",") if code]


def has_language(code: str, prefix: str = "") -> Q:
    """Rows whose languages field (``<prefix>languages``) holds ``code``."""
    field = f"{prefix}languages"
    return (
        Q(**{field: code})
        | Q(**{f"{field}__startswith": f"{code},"})
        | Q(**{f"{field}__endswith": f",{code}"})
        | Q(**{f"{field}__contains": f",{code},"})
    )


def interface_language(code: str | None) -> str:
    """The language whose interface, dates and mails a content language uses: German's for
    Easy-to-read German (``settings.CONTENT_LANGUAGE_BASES``), otherwise the language itself."""
    code = code or settings.LANGUAGE_CODE
    return settings.CONTENT_LANGUAGE_BASES.get(code, code)


def html_language(code: str | None) -> str:
    """The value of a ``lang`` attribute for content in ``code``.

    Easy-to-read German is German to browsers, screen readers and hyphenation (``de``): its
    private-use tag ``de-x-ls`` names it in addresses and hreflang only.
    """
    return interface_language(code)


def is_easy_read(code: str | None) -> bool:
    return bool(code) and code == settings.EASY_READ_LANGUAGE
