"""vCard 3.0 (RFC 2426) for an organisation's contact persons, for address books."""

from __future__ import annotations

from .models import Organisation


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _card(lines: list[str]) -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"]) + "\r\n"


def vcard_for(organisation: Organisation) -> str:
    """One card for the organisation and one per contact person."""
    address = (
        f"ADR;TYPE=WORK:;;{_escape(organisation.street)};{_escape(organisation.city)};;"
        f"{_escape(organisation.postcode)};"
    )
    org_lines = [f"FN:{_escape(organisation.name)}", f"ORG:{_escape(organisation.name)}"]
    if organisation.street or organisation.city:
        org_lines.append(address)
    if organisation.phone:
        org_lines.append(f"TEL;TYPE=WORK:{_escape(organisation.phone)}")
    if organisation.email:
        org_lines.append(f"EMAIL;TYPE=INTERNET:{_escape(organisation.email)}")
    if organisation.website:
        org_lines.append(f"URL:{_escape(organisation.website)}")
    cards = [_card(org_lines)]
    for contact in organisation.contacts.all():
        lines = [
            f"FN:{_escape(contact.name)}",
            f"N:{_escape(contact.name)};;;;",
            f"ORG:{_escape(organisation.name)}",
        ]
        if contact.role:
            lines.append(f"TITLE:{_escape(contact.role)}")
        if contact.phone:
            lines.append(f"TEL;TYPE=WORK:{_escape(contact.phone)}")
        if contact.email:
            lines.append(f"EMAIL;TYPE=INTERNET:{_escape(contact.email)}")
        if contact.languages:
            lines.append(f"NOTE:{_escape(contact.languages)}")
        cards.append(_card(lines))
    return "".join(cards)
