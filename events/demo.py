"""Demo events: Beckum's integration conference and encounter festival, a yearly dialogue forum.

Facts from the seeds: Beckum's integration manager organises integration conferences, the
network works on the action fields language, leisure and housing with two working groups,
and Beckum wants to establish encounter festivals ("Etablierung der Begegnungsfeste"); Rheine
holds a yearly public "Dialogforum Migration und Integration" (shown here on the Borken site).
All people are invented.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from .models import (
    ConferencePage,
    EventIndexPage,
    EventPage,
    FestivalPage,
    HelperShift,
    ProgrammeItem,
    Question,
    Registration,
    Speaker,
    Workshop,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _weekday_after(days: int, weekday: int) -> datetime:
    """A date some days from now, moved to the given weekday (0 = Monday)."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day + timedelta(days=(weekday - day.weekday()) % 7), time.min)


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, tzinfo=BERLIN)


def _calendar(home, title: str, intro: str) -> EventIndexPage:
    existing = EventIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    page = EventIndexPage(title=title, slug="veranstaltungen", intro=intro)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _event(parent, model, slug: str, **fields) -> EventPage:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _networks():
    """Action fields, organisations and working groups of networks/, where its demo made them."""
    try:
        from networks.models import ActionField, Organisation, WorkingGroupPage
    except ImportError:  # pragma: no cover - networks is a core app
        return {}, [], None
    fields = {
        f.name: f
        for f in ActionField.objects.filter(locale__language_code="de")
        if f.name in ("Sprache", "Leben und Freizeit", "Wohnen")
    }
    organisations = list(Organisation.objects.order_by("name")[:2])
    group = WorkingGroupPage.objects.filter(title__icontains="Freizeit").first()
    return fields, organisations, group


def _link(page: EventPage, fields: list, organisations: list, group) -> None:
    if page.action_fields.exists() or not (fields or organisations):
        return
    page.action_fields.set(fields)
    page.organisers.set(organisations)
    if group is not None:
        page.working_group = group
    page.save_revision().publish()


def _questions(page: EventPage) -> None:
    if Question.objects.filter(event=page).exists():
        return
    for order, (label, kind, choices) in enumerate(
        [
            ("Besondere Ernährung (z. B. vegetarisch, halal)", "text", ""),
            (
                "Ich brauche eine Dolmetscherin / einen Dolmetscher für",
                "choice",
                "Arabisch\nUkrainisch\nTürkisch\nFarsi",
            ),
            ("Barrierefreiheit: Was brauchen Sie?", "text", ""),
            ("Ich bin einverstanden, dass Fotos von mir veröffentlicht werden", "yes_no", ""),
        ]
    ):
        Question.objects.create(
            event=page, label=label, kind=kind, choices=choices, sort_order=order
        )


def _sign_up(event: EventPage, user, **kwargs) -> None:
    from .registrations import SignupError, sign_up

    if Registration.objects.filter(
        event=event, email=user.email, kind=kwargs.get("kind", "visitor")
    ).exists():
        return
    with contextlib.suppress(SignupError):
        sign_up(event, email=user.email, user=user, language=user.preferred_language, **kwargs)


def load(demo) -> None:
    fields, organisations, group = _networks()
    people = demo.users

    beckum = _calendar(
        demo.beckum_home,
        "Veranstaltungen",
        "Integrationskonferenzen, Begegnungsfeste und Treffen des Netzwerks Integration Beckum.",
    )
    demo.add_to_menu(demo.beckum, beckum, 30)

    conference_day = _weekday_after(19, 5)  # a Saturday about three weeks from now
    conference = _event(
        beckum,
        ConferencePage,
        "integrationskonferenz",
        title="Integrationskonferenz Beckum",
        intro=(
            "Das Netzwerk Integration zieht Bilanz und plant weiter: Wie kommen Zugewanderte gut "
            "in Kontakt mit Behörden, und wie gestalten wir das Zusammenleben in der Freizeit?"
        ),
        body=(
            "<p>Zur Integrationskonferenz lädt das Integrationsmanagement der Stadt Beckum alle "
            "Akteurinnen und Akteure der Integrationsarbeit, Politik, Verwaltung und interessierte "
            "Bürgerinnen und Bürger ein. Am Nachmittag arbeiten wir in Workshops zu den "
            "Handlungsfeldern Sprache, Leben und Freizeit sowie Wohnen.</p>"
        ),
        start=_at(conference_day, 9, 30),
        end=_at(conference_day, 15, 30),
        location_name="Rathaus Beckum, Ratssaal",
        address="Weststraße 46, 59269 Beckum",
        accessibility="Stufenloser Zugang über den Aufzug, barrierefreies WC im Erdgeschoss.",
        languages="de,ar,uk",
        interpretation="Arabisch und Ukrainisch auf Anfrage",
        target_group="Netzwerkmitglieder, Politik, Verwaltung, Interessierte",
        cost="kostenlos, mit Mittagsimbiss",
        registration_enabled=True,
        capacity=120,
        max_party_size=1,
    )
    if not Workshop.objects.filter(conference=conference).exists():
        for order, (title, room, capacity) in enumerate(
            [
                ("Sprache: Sprachkurse und Alltagssprache", "Raum 101", 25),
                ("Leben und Freizeit: Zugänge zu Vereinen und Angeboten", "Raum 102", 25),
                ("Wohnen: Wohnungssuche und Nachbarschaft", "Raum 103", 20),
                ("Kontakt mit (städtischen) Behörden", "Ratssaal", 3),
            ]
        ):
            Workshop.objects.create(
                conference=conference, title=title, room=room, capacity=capacity, sort_order=order
            )
    if not ProgrammeItem.objects.filter(event=conference).exists():
        manager, _ = Speaker.objects.get_or_create(
            name="Miriam Adler",
            defaults={
                "role": "Integrationsmanagerin der Stadt Beckum",
                "bio": "Koordiniert seit 2022 das Netzwerk Integration.",
            },
        )
        researcher, _ = Speaker.objects.get_or_create(
            name="Dr. Samira Benali",
            defaults={
                "role": "Sozialwissenschaftlerin",
                "bio": "Forscht zu kultursensiblen Zugängen zur Verwaltung.",
            },
        )
        for order, (start, end, title, room, track, speaker) in enumerate(
            [
                (time(9, 30), time(10, 0), "Ankommen und Begrüßung", "Ratssaal", "", None),
                (
                    time(10, 0),
                    time(10, 45),
                    "Ein Jahr Netzwerk Integration: Was wir erreicht haben",
                    "Ratssaal",
                    "Plenum",
                    manager,
                ),
                (
                    time(10, 45),
                    time(11, 30),
                    "Behördenkontakt kultursensibel und niedrigschwellig",
                    "Ratssaal",
                    "Plenum",
                    researcher,
                ),
                (time(12, 30), time(14, 30), "Workshops", "Räume 101–103", "Workshops", None),
                (
                    time(14, 45),
                    time(15, 30),
                    "Ergebnisse und Ausblick",
                    "Ratssaal",
                    "Plenum",
                    manager,
                ),
            ]
        ):
            ProgrammeItem.objects.create(
                event=conference,
                starts=start,
                ends=end,
                title=title,
                room=room,
                track=track,
                speaker=speaker,
                sort_order=order,
            )
    _questions(conference)

    festival_day = _weekday_after(3, 5)  # the coming Saturday
    festival = _event(
        beckum,
        FestivalPage,
        "begegnungsfest",
        title="Begegnungsfest: Beckum feiert zusammen",
        intro="Essen aus vielen Ländern, Musik, Spiele für Kinder: Alteingesessene und Neuzugewanderte lernen sich kennen.",
        body=(
            "<p>Das Begegnungsfest bringt Menschen mit und ohne Zuwanderungsgeschichte zusammen. "
            "Vereine und Initiativen stellen sich an Ständen vor; Familien bringen Gerichte aus "
            "ihrer Heimat mit. Der Eintritt ist frei, wir bitten um Anmeldung, damit wir gut "
            "planen können.</p>"
        ),
        start=_at(festival_day, 14),
        end=_at(festival_day, 18),
        location_name="Familienzentrum Beckum",
        address="Lippweg 3, 59269 Beckum",
        accessibility="Alle Räume ebenerdig, barrierefreies WC, Parkplätze am Eingang.",
        languages="de,ar,uk,tr",
        interpretation="Helferinnen und Helfer sprechen Arabisch, Ukrainisch und Türkisch",
        target_group="alle Beckumerinnen und Beckumer, Familien mit Kindern",
        cost="kostenlos",
        registration_enabled=True,
        capacity=150,
        max_party_size=6,
    )
    if not HelperShift.objects.filter(festival=festival).exists():
        for order, (title, start, end, slots) in enumerate(
            [
                ("Aufbau", time(12), time(14), 4),
                ("Kuchenstand", time(14), time(16), 2),
                ("Kinderecke", time(14), time(18), 3),
                ("Aufräumen", time(18), time(19, 30), 4),
            ]
        ):
            HelperShift.objects.create(
                festival=festival,
                title=title,
                starts=start,
                ends=end,
                slots=slots,
                sort_order=order,
            )
    if not ProgrammeItem.objects.filter(event=festival).exists():
        for order, (start, end, title) in enumerate(
            [
                (time(14), time(14, 15), "Begrüßung durch die Bürgermeisterin"),
                (time(14, 30), time(15, 30), "Musik aus Syrien, der Ukraine und dem Münsterland"),
                (time(15, 30), time(17), "Internationales Buffet"),
                (time(16), time(17, 30), "Spiele und Basteln für Kinder"),
            ]
        ):
            ProgrammeItem.objects.create(
                event=festival, starts=start, ends=end, title=title, sort_order=order
            )

    _link(conference, list(fields.values()), organisations, None)
    _link(
        festival,
        [f for name, f in fields.items() if name == "Leben und Freizeit"],
        organisations[:1],
        group,
    )

    amal = people.get("amal.haddad@example.org")
    olena = people.get("olena.koval@example.org")
    mehmet = people.get("mehmet.yilmaz@example.org")
    petra = people.get("petra.wessel@example.org")
    thomas = people.get("thomas.brinkmann@example.org")
    if amal:
        _sign_up(festival, amal, party_size=3)
    if olena:
        _sign_up(
            festival,
            olena,
            kind="helper",
            shift=HelperShift.objects.get(festival=festival, title="Kinderecke"),
        )
    if petra:
        _sign_up(
            festival,
            petra,
            kind="helper",
            shift=HelperShift.objects.get(festival=festival, title="Kuchenstand"),
        )
        _sign_up(
            conference,
            petra,
            kind="participant",
            workshop=Workshop.objects.filter(conference=conference).first(),
        )
    if mehmet:
        _sign_up(
            festival,
            mehmet,
            kind="contribution",
            contribution_kind="dish",
            contribution_text="Mercimek çorbası (Linsensuppe) für etwa 30 Personen",
        )
    offer = Registration.objects.filter(
        event=festival, kind="contribution", status="requested"
    ).first()
    if offer is not None:  # the organiser has looked at Mehmet's offer and said yes
        from .registrations import decide_contribution

        decide_contribution(offer, approve=True)
    if thomas:
        _sign_up(
            conference,
            thomas,
            kind="participant",
            workshop=Workshop.objects.filter(conference=conference).last(),
        )

    borken = _calendar(
        demo.borken_home,
        "Veranstaltungen",
        "Begegnung, Austausch und Beteiligung in Borken.",
    )
    demo.add_to_menu(demo.borken, borken, 30)
    forum_day = _weekday_after(10, 3)  # a Thursday
    _event(
        borken,
        EventPage,
        "dialogforum-migration-und-integration",
        title="Dialogforum „Migration und Integration“",
        intro="Einmal im Jahr: Dialog und Austausch mit der Bürgerschaft über Migration und Integration in unserer Stadt.",
        body=(
            "<p>Beim jährlichen Dialogforum berichten Stadt und Netzwerk, was sich im letzten Jahr "
            "getan hat, und alle Bürgerinnen und Bürger können Fragen stellen und Anregungen "
            "geben. Die Ergebnisse fließen in die Berichte an die politischen Gremien ein.</p>"
        ),
        start=_at(forum_day, 18),
        end=_at(forum_day, 20, 30),
        location_name="Haus der Begegnung",
        address="Borken",
        accessibility="Stufenloser Zugang.",
        languages="de",
        interpretation="Auf Anfrage",
        target_group="alle Bürgerinnen und Bürger",
        cost="kostenlos",
        registration_enabled=True,
        capacity=80,
        max_party_size=2,
    )


# The festival in Easy-to-read German (Leichte Sprache): short sentences, one idea per line.
FESTIVAL_EASY_READ = {
    "Begegnungsfest: Beckum feiert zusammen": "Begegnungs-Fest: Wir feiern zusammen",
    "Essen aus vielen Ländern, Musik, Spiele für Kinder: Alteingesessene und Neuzugewanderte lernen sich kennen.": (
        "Ein Fest für alle Menschen in Beckum.<br>"
        "Es gibt Essen aus vielen Ländern.<br>"
        "Es gibt Musik.<br>"
        "Kinder können spielen."
    ),
    "Das Begegnungsfest bringt Menschen mit und ohne Zuwanderungsgeschichte zusammen. "
    "Vereine und Initiativen stellen sich an Ständen vor; Familien bringen Gerichte aus "
    "ihrer Heimat mit. Der Eintritt ist frei, wir bitten um Anmeldung, damit wir gut "
    "planen können.": (
        "Beim Fest lernen sich Menschen kennen.<br>"
        "Menschen, die schon lange in Beckum leben.<br>"
        "Und Menschen, die neu in Beckum sind.<br>"
        "Vereine zeigen, was sie machen.<br>"
        "Familien bringen Essen mit.<br>"
        "Der Eintritt kostet nichts.<br>"
        "Bitte melden Sie sich an.<br>"
        "Dann können wir besser planen."
    ),
    "Alle Räume ebenerdig, barrierefreies WC, Parkplätze am Eingang.": (
        "Alle Räume haben keine Stufen.<br>"
        "Es gibt eine Toilette für Menschen im Rollstuhl.<br>"
        "Parkplätze sind direkt am Eingang."
    ),
    "Helferinnen und Helfer sprechen Arabisch, Ukrainisch und Türkisch": (
        "Helfer sprechen Arabisch, Ukrainisch und Türkisch."
    ),
    "alle Beckumerinnen und Beckumer, Familien mit Kindern": (
        "Alle Menschen in Beckum.<br>Auch Familien mit Kindern."
    ),
    "kostenlos": "Das Fest kostet nichts.",
}


def load_translations(demo) -> None:
    """After the core's translations: the festival in Leichte Sprache (the editors' flow:
    wagtail-localize, as for every other language)."""
    from django.conf import settings

    from treffpunkt.demo import ADMIN_EMAIL, translate_page

    festival = (
        FestivalPage.objects.descendant_of(demo.beckum_home)
        .filter(slug="begegnungsfest", locale__language_code=settings.LANGUAGE_CODE)
        .first()
    )
    if festival is not None:
        translate_page(
            festival, settings.EASY_READ_LANGUAGE, FESTIVAL_EASY_READ, demo.users[ADMIN_EMAIL]
        )
