"""Demo meetings: Beckum's monthly Netzwerktreffen, a working group every two weeks, a
weekly public Sprachcafé, and Borken's exchange of volunteers at the Haus der Begegnung.

Idempotent: pages are found by slug, dates by their planned start. The dates with
exceptions and minutes are written as rows directly (not through the services), so that
loading the demo later, when these dates lie in the past, still works.
"""

from __future__ import annotations

import datetime as dt

import recurrence
from dateutil import rrule
from wagtail.models import Page

from .models import (
    AgendaItem,
    Decision,
    MeetingIndexPage,
    MeetingSeriesPage,
    Occurrence,
    OccurrenceStatus,
    Rsvp,
    Task,
    Visibility,
)
from .schedule import TZ


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _rule(freq, **kwargs) -> recurrence.Recurrence:
    return recurrence.Recurrence(rrules=[recurrence.Rule(freq, **kwargs)])


def _row(series, planned: dt.datetime, **fields) -> Occurrence:
    row, _created = Occurrence.objects.get_or_create(
        series=series, original_start=planned, defaults=fields
    )
    return row


def _working_group(site, slug: str):
    from networks.models import WorkingGroupPage

    return WorkingGroupPage.objects.in_site(site).filter(slug=slug).first()


def load(demo) -> None:
    users = demo.users
    manager = users.get("integration@beckum.example")
    amal = users.get("amal.haddad@example.org")
    petra = users.get("petra.wessel@example.org")
    olena = users.get("olena.koval@example.org")
    mehmet = users.get("mehmet.yilmaz@example.org")
    thomas = users.get("thomas.brinkmann@example.org")

    index = _child(
        demo.beckum_home,
        MeetingIndexPage,
        "treffen",
        title="Treffen",
        intro=(
            "Die regelmäßigen Netzwerktreffen, die Treffen der Arbeitsgruppen und offene "
            "Angebote wie das Sprachcafé – mit Tagesordnung, Zusagen und Protokoll."
        ),
    )
    demo.add_to_menu(demo.beckum, index, 60)

    network = _child(
        index,
        MeetingSeriesPage,
        "netzwerktreffen",
        title="Netzwerktreffen Integration",
        first_date=dt.date(2026, 9, 1),
        start_time=dt.time(17),
        end_time=dt.time(19),
        recurrence=_rule(rrule.MONTHLY, byday=[rrule.TU(2)]),
        location="Rathaus Beckum, Raum 2",
        visibility=Visibility.NETWORK,
        description=(
            "<p>Die Akteurinnen und Akteure der Beckumer Integrationsarbeit treffen sich jeden "
            "zweiten Dienstag im Monat. Das Integrationsmanagement der Stadt bereitet die "
            "Treffen vor. Themen sind unter anderem ein Pool von Sprachmittlerinnen und "
            "Sprachmittlern und der Ausbau der Patenprogramme.</p>"
        ),
    )
    # November: held, with agenda, attendance, minutes, decisions and tasks
    november = _row(
        network,
        dt.datetime(2026, 11, 10, 17, tzinfo=TZ),
        minutes=(
            "<p>Das Integrationsmanagement berichtete über den Stand der beiden "
            "Arbeitsgruppen. Die AG „Kontakt mit (städtischen) Behörden“ hat sich "
            "Good-practice-Beispiele aus anderen Kommunen angesehen.</p>"
            "<p>Zum Sprachmittlerpool wurde besprochen, welche Sprachen in Beckum am "
            "häufigsten gebraucht werden: Arabisch, Ukrainisch, Türkisch, Kurdisch und "
            "Russisch.</p>"
        ),
        minutes_published_at=dt.datetime(2026, 11, 12, 9, tzinfo=TZ),
    )
    if not november.agenda_items.exists():
        for order, (title, author) in enumerate(
            [
                ("Bericht aus den Arbeitsgruppen", manager),
                ("Aufbau eines Sprachmittlerpools", amal),
                ("Patenprogramme ausweiten", petra),
            ],
            start=1,
        ):
            AgendaItem.objects.create(
                occurrence=november, title=title, author=author, sort_order=order
            )
        Decision.objects.create(
            occurrence=november,
            text="Ein Sprachmittlerpool wird aufgebaut; das Integrationsmanagement koordiniert.",
            sort_order=1,
        )
        Task.objects.create(
            occurrence=november,
            title="Liste der gebrauchten Sprachen mit den Beratungsstellen abstimmen",
            owner=amal,
            due_date=dt.date(2026, 12, 4),
            sort_order=1,
        )
        Task.objects.create(
            occurrence=november,
            title="Patenprogramme der Verbände zusammenstellen",
            owner=petra,
            due_date=dt.date(2027, 1, 8),
            sort_order=2,
        )
        november.attendees.set([u for u in (manager, amal, petra, thomas) if u])
    # December: moved from Tuesday to Wednesday (the council meets on Tuesday)
    december = _row(
        network,
        dt.datetime(2026, 12, 8, 17, tzinfo=TZ),
        status=OccurrenceStatus.MOVED,
        start=dt.datetime(2026, 12, 9, 17, tzinfo=TZ),
        end=dt.datetime(2026, 12, 9, 19, tzinfo=TZ),
        note="Wegen der Ratssitzung am Dienstag verschoben auf Mittwoch.",
        sequence=1,
    )
    if not december.agenda_items.exists():
        AgendaItem.objects.create(
            occurrence=december,
            title="Jahresplanung 2027",
            author=manager,
            sort_order=1,
        )
        for person, answer in [(amal, "yes"), (petra, "yes"), (olena, "maybe"), (thomas, "no")]:
            if person:
                Rsvp.objects.get_or_create(
                    occurrence=december, user=person, defaults={"answer": answer}
                )

    group = _working_group(demo.beckum, "kontakt-mit-behoerden")
    working = _child(
        index,
        MeetingSeriesPage,
        "ag-kontakt-mit-behoerden",
        title="AG Kontakt mit (städtischen) Behörden",
        first_date=dt.date(2026, 10, 1),
        start_time=dt.time(16),
        end_time=dt.time(17, 30),
        recurrence=_rule(rrule.WEEKLY, interval=2),
        location="Integrationsbüro im Rathaus Beckum",
        visibility=Visibility.GROUP if group else Visibility.NETWORK,
        working_group=group,
        description=(
            "<p>Die Arbeitsgruppe sammelt Modelle für einen kultursensiblen und "
            "niedrigschwelligen Kontakt mit Behörden, der Hilfe zur Selbsthilfe ermöglicht.</p>"
        ),
    )
    _row(
        working,
        dt.datetime(2026, 12, 24, 16, tzinfo=TZ),
        status=OccurrenceStatus.CANCELLED,
        note="Heiligabend – das Treffen fällt aus.",
        sequence=1,
    )

    cafe = _child(
        index,
        MeetingSeriesPage,
        "sprachcafe",
        title="Sprachcafé",
        first_date=dt.date(2026, 9, 3),
        start_time=dt.time(18),
        end_time=dt.time(19, 30),
        recurrence=_rule(rrule.WEEKLY, byday=[rrule.TH]),
        location="Stadtbücherei Beckum",
        visibility=Visibility.PUBLIC,
        description=(
            "<p>Deutsch sprechen üben bei Kaffee und Tee – offen für alle, ohne Anmeldung. "
            "Ehrenamtliche helfen beim Gespräch.</p>"
        ),
    )
    for person in (olena, mehmet):
        if person:
            row = _row(cafe, dt.datetime(2026, 12, 3, 18, tzinfo=TZ))
            Rsvp.objects.get_or_create(occurrence=row, user=person, defaults={"answer": "yes"})

    borken_index = _child(
        demo.borken_home,
        MeetingIndexPage,
        "treffen",
        title="Treffen",
        intro="Regelmäßige Treffen im Netzwerk Zusammenleben in Borken.",
    )
    demo.add_to_menu(demo.borken, borken_index, 60)
    _child(
        borken_index,
        MeetingSeriesPage,
        "erfahrungsaustausch-ehrenamt",
        title="Erfahrungsaustausch der Ehrenamtlichen",
        first_date=dt.date(2026, 9, 7),
        start_time=dt.time(18),
        end_time=dt.time(20),
        recurrence=_rule(rrule.MONTHLY, byday=[rrule.MO(1)]),
        location="Haus der Begegnung, Borken",
        visibility=Visibility.NETWORK,
        description=(
            "<p>Im Haus der Begegnung tauschen sich die Ehrenamtlichen regelmäßig über ihre "
            "Erfahrungen aus.</p>"
        ),
    )
