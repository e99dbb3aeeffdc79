"""Every translation catalogue is complete: right plural forms, nothing empty or fuzzy, no
duplicate msgid, the same placeholders as the English text, and no .mo older than its .po.

English is the language of the msgids: an English entry may stay empty as a whole (gettext
then shows the msgid), but never only some of its plural forms.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", ".git", "var", "build"}
# What gettext and Django use: Ukrainian has four forms (one, few, many, other/fractions),
# Arabic six (zero, one, two, few, many, other).
NPLURALS = {"de": 2, "en": 2, "tr": 2, "uk": 4, "ar": 6}
SOURCE_LANGUAGE = "en"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")


def catalogues() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("locale/*/LC_MESSAGES/*.po")
        if not SKIP.intersection(p.relative_to(ROOT).parts)
    )


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def problems(path: Path) -> list[str]:
    """What is wrong with one catalogue, one line per problem."""
    language = path.parent.parent.name
    found: list[str] = []
    text = path.read_text(encoding="utf-8")
    po = polib.pofile(text, check_for_duplicates=False)
    expected = NPLURALS.get(language)
    header = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", header)
    nplurals = int(match.group(1)) if match else None
    if expected is not None and nplurals != expected:
        found.append(f"Plural-Forms has nplurals={nplurals}, {language} needs {expected}")
    seen: set[tuple[str | None, str]] = set()
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            found.append(f"duplicate msgid {entry.msgid!r}")
        seen.add(key)
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy entry {entry.msgid!r}")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            values = [forms.get(i, "") for i in range(nplurals or len(forms))]
            if len(forms) != nplurals:
                found.append(f"{len(forms)} plural forms instead of {nplurals}: {entry.msgid!r}")
            empty = [v for v in values if not v]
            whole_entry_empty = len(empty) == len(values)
            if empty and not (language == SOURCE_LANGUAGE and whole_entry_empty):
                found.append(f"empty plural form in {entry.msgid!r}")
            wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural)
            for value in values:
                # A form for exactly one thing may say "one" in words instead of {{ n }}.
                if value and not _placeholders(value) <= wanted:
                    found.append(f"placeholders differ in {entry.msgid!r}: {value!r}")
        else:
            if not entry.msgstr and language != SOURCE_LANGUAGE:
                found.append(f"empty translation of {entry.msgid!r}")
            if entry.msgstr and _placeholders(entry.msgstr) != _placeholders(entry.msgid):
                found.append(f"placeholders differ in {entry.msgid!r}: {entry.msgstr!r}")
    mo = path.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime < path.stat().st_mtime:
        found.append(f"{mo.name} is older than the .po: run bin/compile-messages")
    return found


def test_there_are_catalogues_for_every_language():
    languages = {p.parent.parent.name for p in catalogues()}
    assert languages == set(NPLURALS)


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    assert problems(path) == []


def test_the_check_finds_what_it_is_meant_to_find(tmp_path):
    """A catalogue with each kind of defect is refused (so the test above can fail)."""
    folder = tmp_path / "locale" / "uk" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Search"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Save"\nmsgstr "Зберегти"\n\n'
        'msgid "Save"\nmsgstr "Зберегти"\n\n'
        'msgid "%(count)s result"\nmsgid_plural "%(count)s results"\n'
        'msgstr[0] "%(count)s результат"\nmsgstr[1] ""\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Привіт %(nmae)s"\n',
        encoding="utf-8",
    )
    found = "\n".join(problems(po))
    assert "nplurals=2, uk needs 4" in found
    assert "empty translation of 'Search'" in found
    assert "fuzzy entry 'Save'" in found
    assert "duplicate msgid 'Save'" in found
    assert "empty plural form in '%(count)s result'" in found
    assert "placeholders differ in 'Hello %(name)s'" in found
