"""Demo chat: Beckum's network room and the rooms of its two working groups, with history.

Idempotent: rooms are found by site and page, history is written only into empty rooms.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import formatting
from .access import can_access, room_members
from .models import Message, Room

NETWORK_HISTORY = [
    (
        "integration@beckum.example",
        "Guten Morgen zusammen! Das nächste Netzwerktreffen ist am Dienstag um 17 Uhr im Rathaus, Raum 104.",
    ),
    ("petra.wessel@example.org", "Danke! Ich bringe die neuen Flyer der Sprachcafés mit."),
    (
        "olena.koval@example.org",
        "Ich kann leider erst um 17:30 Uhr da sein – Integrationskurs bis 17 Uhr.",
    ),
    (
        "integration@beckum.example",
        "Kein Problem, @Olena. Die Tagesordnung steht hier: https://www.beckum.de/integration",
    ),
    (
        "mehmet.yilmaz@example.org",
        "Der Moscheeverein fragt, ob wir beim Begegnungsfest wieder einen Stand bekommen.",
    ),
    (
        "integration@beckum.example",
        "Ja, gerne! Bitte über das Anmeldeformular beim Fest eintragen, dann plane ich den Platz ein.",
    ),
]
GROUP_HISTORY = {
    "behoerden": [
        (
            "amal.haddad@example.org",
            "Wir haben die Rückmeldungen zum Ausländeramt gesammelt: lange Wartezeiten und unklare Briefe sind die häufigsten Themen.",
        ),
        (
            "petra.wessel@example.org",
            "Könnten wir eine Liste mit einfachen Erklärungen zu den häufigsten Schreiben machen?",
        ),
        (
            "amal.haddad@example.org",
            "Gute Idee. Ich übersetze gern ins Arabische, @Olena vielleicht ins Ukrainische?",
        ),
        ("olena.koval@example.org", "Mache ich! Schickt mir die Texte bis Ende des Monats."),
    ],
    "freizeit": [
        (
            "thomas.brinkmann@example.org",
            "Der Sportverein bietet ab März ein offenes Fußballtraining für Jugendliche an – kostenlos.",
        ),
        ("mehmet.yilmaz@example.org", "Super. Ich hänge den Aushang im Jugendtreff auf."),
        ("petra.wessel@example.org", "Sollen wir das auch beim Begegnungsfest vorstellen?"),
    ],
}


def _room(site, kind, page, title) -> Room:
    room = Room.objects.filter(site=site, kind=kind, page=page).first()
    if room is None:
        room = Room.objects.create(site=site, kind=kind, page=page, title=title)
    return room


def _history(room: Room, lines, users) -> None:
    if room.messages.exists():
        return
    start = timezone.now() - dt.timedelta(days=2)
    handles = {}
    for person in room_members(room):
        for handle in formatting.mention_handles(person):
            handles[handle] = person
    for n, (email, text) in enumerate(lines):
        author = users.get(email)
        if author is None or not can_access(author, room):
            continue
        tokens = {t for t in formatting.mentioned_tokens(text) if t in handles}
        Message.objects.create(
            room=room,
            author=author,
            text=text,
            html=formatting.render(text, tokens),
            created_at=start + dt.timedelta(hours=3 * n),
        )


def load(demo) -> None:
    from networks.models import WorkingGroupPage

    site = demo.beckum
    network = _room(site, Room.Kind.NETWORK, None, "Netzwerk Integration Beckum")
    _history(network, NETWORK_HISTORY, demo.users)
    groups = WorkingGroupPage.objects.descendant_of(demo.beckum_home).filter(
        locale=demo.beckum_home.locale
    )
    for group in groups:
        room = _room(site, Room.Kind.WORKING_GROUP, group, group.title)
        key = "behoerden" if "Behörden" in group.title else "freizeit"
        _history(room, GROUP_HISTORY[key], demo.users)
