"""The languages a pool interprets: ISO 639-3 codes, named from CLDR.

Requests and mediators store the ISO 639-3 code (``kmr`` Kurmanji, ``ckb`` Sorani,
``prs`` Dari …): these are the distinctions that matter when someone must be understood.
CLDR has no entry of its own for several of them, so each code names the CLDR locale that
carries its name (Dari is Persian as written in Afghanistan).
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

#: ISO 639-3 code → CLDR locale whose name is shown
POOL_LANGUAGES: dict[str, str] = {
    "ara": "ar",
    "kmr": "ku",
    "ckb": "ckb",
    "pes": "fa",
    "prs": "fa_AF",
    "pus": "ps",
    "tir": "ti",
    "amh": "am",
    "som": "so",
    "rus": "ru",
    "ukr": "uk",
    "tur": "tr",
    "sqi": "sq",
    "srp": "sr",
    "ron": "ro",
    "bul": "bg",
    "pol": "pl",
    "eng": "en",
    "fra": "fr",
}


def language_name(code: str, in_language: str | None = None) -> str:
    """The language's name in its own script, or in ``in_language`` when given."""
    cldr = POOL_LANGUAGES.get(code)
    if cldr is None:
        return code
    try:
        target = Locale.parse(cldr)
        reader = Locale.parse(in_language.replace("-", "_")) if in_language else target
    except (UnknownLocaleError, ValueError):
        return code
    if cldr == "ku" and in_language is None:
        return "Kurmancî"
    if cldr == "fa_AF":
        # CLDR names Persian as written in Afghanistan "Dari" in most languages
        name = reader.languages.get("fa_AF") or target.get_display_name(reader)
    else:
        name = target.get_display_name(reader)
    return (name[:1].upper() + name[1:]) if name else code


def language_choices() -> list[tuple[str, str]]:
    """Choices for forms: the name in its own script, sorted by code."""
    return [(code, language_name(code)) for code in POOL_LANGUAGES]
