"""The site's PDF documents (fpdf2): one setup of fonts and text shaping for all of them.

Set in Noto Sans (Latin, Cyrillic, Greek) with Noto Sans Arabic as its fallback, both
shipped in ``treffpunkt/core/fonts``; HarfBuzz (uharfbuzz) shapes the text, so Arabic
letters join and run right to left, and names in any of these scripts print as written.
Used by the certificates of attendance (events/) and the committee report (networks/).
fpdf2 (with fontTools) is loaded at the first document, not with the views that offer one:
about 50 MB that a web process serving pages never needs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import translation

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
#: the font families a document has: ``pdf.set_font(TEXT, "B", 12)``
TEXT, ARABIC = "NotoSans", "NotoSansArabic"


@cache
def font_files() -> list[tuple[str, str, Path]]:
    files = [
        (TEXT, "", FONTS / "NotoSans-Regular.ttf"),
        (TEXT, "B", FONTS / "NotoSans-Bold.ttf"),
        (TEXT, "I", FONTS / "NotoSans-Italic.ttf"),
        (ARABIC, "", FONTS / "NotoSansArabic-Regular.ttf"),
        (ARABIC, "B", FONTS / "NotoSansArabic-Bold.ttf"),
    ]
    missing = [str(path) for _family, _style, path in files if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"PDF fonts missing: {', '.join(missing)}")
    return files


def document(rtl: bool = False) -> FPDF:
    """An A4 document with the fonts added and HarfBuzz shaping on (right to left if asked)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for family, style, path in font_files():
        pdf.add_font(family, style, str(path))
    # Arabic glyphs (and Arabic italic, which Noto does not have) come from the fallback.
    pdf.set_fallback_fonts([ARABIC], exact_match=False)
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
    pdf.set_lang(translation.get_language())
    return pdf
