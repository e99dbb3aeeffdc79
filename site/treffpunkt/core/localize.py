"""Dates, times, numbers and language names the way each language writes them (CLDR, Babel).

One helper for templates (the ``localdate``, ``localtime``, ``localdatetime``,
``localnumber`` and ``language_name`` filters), mails, PDFs, the human text of feeds and the
chat, so that a Ukrainian reader sees "субота, 12 грудня 2026 р." and an Arabic reader
"السبت، 12 ديسمبر 2026" instead of German patterns filled with foreign words.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

# Named formats a template may ask for; anything else is taken as a CLDR pattern.
DATE_FORMATS = {"full", "long", "medium", "short"}
# Short forms that leave the year out (for lists within the coming months).
SKELETONS = {
    "day": "MMMEd",  # "Sa., 12. Dez." / "сб, 12 груд."
    "daymonth": "MMMMd",  # "12. Dezember" / "12 грудня"
    "month": "yMMMM",  # "Dezember 2026" / "грудень 2026 р."
}


def _code(language: str | None) -> str:
    language = (language or get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    return language.split("_")[0]


@lru_cache(maxsize=64)
def babel_locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code (falls back to the site's default)."""
    try:
        return Locale.parse(_code(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE)


def _locale(language: str | None) -> Locale:
    return babel_locale(_code(language))


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value, fmt: str = "full", language: str | None = None) -> str:
    """A date (or the date of a datetime, in the site's time zone) in the reader's language."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return _date_text(value, fmt, _code(language))


#: formatted dates and times kept per process: Babel takes 30–80 µs for each, and a list of
#: meeting dates or calendar entries writes the same few dozen over and over
_TEXTS = 4096


@lru_cache(maxsize=_TEXTS)
def _date_text(value: dt.date, fmt: str, code: str) -> str:
    locale = babel_locale(code)
    if fmt == "weekday":  # the weekday's full name ("Dienstag", "вівторок")
        return babel_dates.format_date(value, "EEEE", locale=locale)
    if fmt in SKELETONS:
        return babel_dates.format_skeleton(SKELETONS[fmt], value, locale=locale)
    return babel_dates.format_date(value, format=fmt, locale=locale)


def format_time(value, language: str | None = None) -> str:
    """A time of day, 24-hour where the language's usage has it ("18:30", "6:30 PM")."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if isinstance(value, dt.datetime):
        value = value.time()
    return _time_text(value, _code(language))


@lru_cache(maxsize=_TEXTS)
def _time_text(value: dt.time, code: str) -> str:
    return babel_dates.format_time(value, format="short", locale=babel_locale(code))


def format_datetime(value, fmt: str = "full", language: str | None = None) -> str:
    """Date and time together, joined the way the language joins them."""
    if value in (None, ""):
        return ""
    value = _local(value)
    date_text = format_date(value, fmt, language)
    time_text = format_time(value, language)
    pattern = _joining(_code(language), fmt)
    return pattern.replace("{1}", date_text).replace("{0}", time_text).replace("'", "")


@lru_cache(maxsize=256)
def _joining(code: str, fmt: str) -> str:
    """How the language joins a date ({1}) and a time ({0})."""
    pattern = babel_locale(code).datetime_formats.get(fmt if fmt in DATE_FORMATS else "medium")
    return str(pattern or "{1} {0}")


def format_number(value, language: str | None = None) -> str:
    if value in (None, ""):
        return ""
    return babel_numbers.format_decimal(value, locale=_locale(language))


def weekday_names(width: str = "abbreviated", language: str | None = None) -> list[str]:
    """Monday to Sunday in the reader's language."""
    days = _locale(language).days["format"][width]
    return [days[i] for i in range(7)]


def month_name(month: int, language: str | None = None) -> str:
    return _locale(language).months["stand-alone"]["wide"][month]


def language_name(code: str, in_language: str | None = None) -> str:
    """A language's name from CLDR: in its own script by default ("العربية", "Kurmancî"),
    or in ``in_language`` (the reader's language) when given."""
    code = (code or "").strip()
    if not code:
        return ""
    names = dict(settings.LANGUAGES)
    if in_language is None and code in names:
        return names[code]
    if code == settings.EASY_READ_LANGUAGE:  # a name of its own, not in CLDR
        return names[code]
    try:
        target = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return code
    name = target.get_display_name(_locale(in_language) if in_language else target)
    if not name:
        return code
    if code == "ku" and in_language is None:
        return "Kurmancî"
    return name[0].upper() + name[1:] if in_language is None else name
