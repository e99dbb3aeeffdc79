"""Certificates of attendance (Teilnahmebescheinigung) as PDF, in the registrant's language.

Set up by the core's PDF helper (:mod:`treffpunkt.core.pdf`): Noto Sans with Noto Sans
Arabic as its fallback, shaped by HarfBuzz, so Arabic letters join and run right to left,
and names in any of these scripts print as written.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf.enums import Align

from treffpunkt.core.localize import format_date
from treffpunkt.core.pdf import TEXT, document


def certificate_pdf(registration, conference) -> bytes:
    """One A4 page in the registrant's language (German when it is not offered)."""
    offered = {code for code, _name in settings.LANGUAGES}
    language = registration.language if registration.language in offered else "de"
    rtl = language in settings.RTL_LANGUAGES
    align = Align.R if rtl else Align.L
    with translation.override(language):
        start = timezone.localtime(conference.start)
        pdf = document(rtl)
        pdf.set_title(_("Certificate of attendance"))
        pdf.add_page()
        pdf.set_font(TEXT, "B", 22)
        pdf.cell(0, 30, _("Certificate of attendance"), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font(TEXT, "", 13)
        text = _('%(name)s took part in the conference "%(title)s" on %(date)s in %(place)s.') % {
            "name": registration.name or registration.email,
            "title": conference.title,
            "date": format_date(start, "long", language),
            "place": conference.location_name or conference.address or "-",
        }
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT", align=align)
        pdf.ln(20)
        organisers = ", ".join(o.name for o in conference.organisers.all())
        if organisers:
            pdf.multi_cell(0, 8, organisers, new_x="LMARGIN", new_y="NEXT", align=align)
        pdf.ln(10)
        pdf.set_font(TEXT, "I", 10)
        pdf.cell(0, 8, format_date(timezone.localdate(), "long", language), align=align)
        return bytes(pdf.output())
