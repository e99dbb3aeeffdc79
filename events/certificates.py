"""Certificates of attendance (Teilnahmebescheinigung) as PDF, in the registrant's language.

Set in Noto Sans (Latin, Cyrillic, Greek) with Noto Sans Arabic as its fallback, both shipped
in ``events/fonts``; HarfBuzz shapes the text, so Arabic letters join and run right to left,
and names in any of these scripts print as written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align

FONTS = Path(__file__).resolve().parent / "fonts"
TEXT, ARABIC = "NotoSans", "NotoSansArabic"


@cache
def _font_files() -> list[tuple[str, str, Path]]:
    files = [
        (TEXT, "", FONTS / "NotoSans-Regular.ttf"),
        (TEXT, "B", FONTS / "NotoSans-Bold.ttf"),
        (TEXT, "I", FONTS / "NotoSans-Italic.ttf"),
        (ARABIC, "", FONTS / "NotoSansArabic-Regular.ttf"),
        (ARABIC, "B", FONTS / "NotoSansArabic-Bold.ttf"),
    ]
    missing = [str(path) for _family, _style, path in files if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"certificate fonts missing: {', '.join(missing)}")
    return files


def _document(rtl: bool) -> FPDF:
    pdf = FPDF(format="A4")
    for family, style, path in _font_files():
        pdf.add_font(family, style, str(path))
    # Arabic glyphs (and Arabic italic, which Noto does not have) come from the fallback.
    pdf.set_fallback_fonts([ARABIC], exact_match=False)
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if rtl else "ltr")
    pdf.set_lang(translation.get_language())
    return pdf


def certificate_pdf(registration, conference) -> bytes:
    """One A4 page in the registrant's language (German when it is not offered)."""
    offered = {code for code, _name in settings.LANGUAGES}
    language = registration.language if registration.language in offered else "de"
    rtl = language in settings.RTL_LANGUAGES
    align = Align.R if rtl else Align.L
    with translation.override(language):
        start = timezone.localtime(conference.start)
        pdf = _document(rtl)
        pdf.set_title(_("Certificate of attendance"))
        pdf.add_page()
        pdf.set_font(TEXT, "B", 22)
        pdf.cell(0, 30, _("Certificate of attendance"), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font(TEXT, "", 13)
        text = _('%(name)s took part in the conference "%(title)s" on %(date)s in %(place)s.') % {
            "name": registration.name or registration.email,
            "title": conference.title,
            "date": start.strftime("%d.%m.%Y"),
            "place": conference.location_name or conference.address or "-",
        }
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT", align=align)
        pdf.ln(20)
        organisers = ", ".join(o.name for o in conference.organisers.all())
        if organisers:
            pdf.multi_cell(0, 8, organisers, new_x="LMARGIN", new_y="NEXT", align=align)
        pdf.ln(10)
        pdf.set_font(TEXT, "I", 10)
        pdf.cell(0, 8, timezone.localdate().strftime("%d.%m.%Y"), align=align)
        return bytes(pdf.output())
