"""Certificates of attendance (Teilnahmebescheinigung) as PDF."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF


def certificate_pdf(registration, conference) -> bytes:
    """One A4 page in the registrant's language (Latin script fonts only: German fallback)."""
    # The core PDF fonts cover Latin-1 only; Arabic or Cyrillic text would need a TTF, so the
    # certificate is written in German unless the registrant's language is English.
    language = registration.language if registration.language in ("de", "en") else "de"
    with translation.override(language):
        start = timezone.localtime(conference.start)
        pdf = FPDF(format="A4")
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 22)
        pdf.cell(0, 30, _("Certificate of attendance"), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font("Helvetica", "", 13)
        name = registration.name or registration.email
        text = _('%(name)s took part in the conference "%(title)s" on %(date)s in %(place)s.') % {
            "name": name,
            "title": conference.title,
            "date": start.strftime("%d.%m.%Y"),
            "place": conference.location_name or conference.address or "-",
        }
        pdf.multi_cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(20)
        organisers = ", ".join(o.name for o in conference.organisers.all())
        if organisers:
            pdf.multi_cell(0, 8, _latin1(organisers), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        pdf.set_font("Helvetica", "I", 10)
        pdf.cell(0, 8, _latin1(timezone.localdate().strftime("%d.%m.%Y")))
        return bytes(pdf.output())


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")
