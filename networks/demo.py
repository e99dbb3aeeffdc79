"""Demo content of the network: Beckum's network, organisations and working groups; Borken's
action fields and measures. Facts are the towns' own (seed documents); people are invented.
Idempotent: everything is looked up by slug before it is made.
"""

from __future__ import annotations

import datetime as dt

from wagtail.models import Locale

from .models import (
    ActionField,
    ContactPerson,
    GroupPost,
    Indicator,
    Measure,
    MeasureIndexPage,
    Membership,
    NetworkPage,
    Organisation,
    OrganisationDirectoryPage,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)

# (slug, name, guiding principle, goal, icon)
BECKUM_FIELDS = [
    (
        "sprache",
        "Sprache",
        "Sprache ist der Schlüssel: Alle Zugewanderten finden ein passendes Sprachangebot.",
        "Alle Zugewanderten haben die Grundbegriffe der deutschen Sprache erlernt und können sich im Alltag adäquat damit verständigen.",
        "language",
    ),
    (
        "leben-und-freizeit",
        "Leben und Freizeit",
        "Einheimische und Zugewanderte begegnen sich und pflegen einen toleranten Umgang miteinander.",
        "Zugänge zu bestehenden Freizeitangeboten werden für Menschen mit Zuwanderungsgeschichte geöffnet.",
        "leisure",
    ),
    (
        "wohnen",
        "Wohnen",
        "Alle Zugewanderten in Beckum verfügen über angemessenen Wohnraum.",
        "Fachliche Anmerkungen des Netzwerks fließen in die Wohnraumentwicklung der Stadt ein.",
        "housing",
    ),
    (
        "interkulturelle-oeffnung",
        "Interkulturelle Öffnung der Verwaltung",
        "Ein kultursensibler und niedrigschwelliger Behördenkontakt ermöglicht Hilfe zur Selbsthilfe.",
        "Die Beckumer Verwaltung macht sich auf den Weg der interkulturellen Öffnung.",
        "administration",
    ),
]

BORKEN_FIELDS = [
    (
        "borken-sprache",
        "Sprache und Spracherwerb",
        "Sprache ist der zentrale Schlüssel für eine funktionierende Integration.",
        "Wir fördern und unterstützen den Spracherwerb auf vielfältige Weise und fordern die aktive Teilnahme an den Angeboten.",
        "language",
    ),
    (
        "borken-wohnen",
        "Wohnen",
        "Eine angemessene Versorgung mit Wohnraum ist Basis für eine humanitäre Aufnahme und ein zentraler Aspekt für eine funktionierende Integration.",
        "Wir fördern die Suche nach Wohnraum im gesamten Stadtgebiet und fordern einen respektvollen Umgang mit allen Mitbewohnerinnen und Mitbewohnern.",
        "housing",
    ),
    (
        "borken-bildung",
        "Bildung",
        "Bildung ist für alle Menschen der zentrale Schlüssel zur gesellschaftlichen Teilhabe.",
        "Wir fördern den Bildungserwerb auf vielfältige Weise, die sich an den Bedürfnissen von Menschen mit Migrationshintergrund orientiert.",
        "education",
    ),
    (
        "borken-arbeit",
        "Arbeit und Beschäftigung",
        "Arbeit ist eine zentrale Voraussetzung für ein selbstbestimmtes Leben und damit das zentrale Element für eine Integration in die Gesellschaft.",
        "Wir fördern die berufliche Qualifikation und die Arbeitsaufnahme auf vielfältige Weise.",
        "work",
    ),
    (
        "borken-freizeit",
        "Sport, Kultur und Freizeit",
        "Eine funktionierende Integration umfasst alle Aspekte des menschlichen Zusammenlebens, auch Sport, Freizeit und Kultur.",
        "Wir fördern mit allen Vereinen, Verbänden und Initiativen ein Angebot für eine aktive Sport- und Freizeitgestaltung.",
        "leisure",
    ),
]

# Beckum's actors interviewed for the integration management (seed 001); contacts invented.
# (slug, name, kind, fields, languages, services, contact (name, role, phone, email, languages))
BECKUM_ORGANISATIONS = [
    (
        "arbeitskreis-asyl",
        "Arbeitskreis Asyl",
        "initiative",
        ["sprache", "leben-und-freizeit"],
        "de,en,ar",
        "Ehrenamtliche Begleitung von Geflüchteten, Sprachpatenschaften",
        ("Hildegard Sommer", "Sprecherin", "02521 100 201", "asyl@beckum-demo.example", "de,en"),
    ),
    (
        "arabisch-deutscher-verein",
        "Arabisch-Deutscher Verein e. V.",
        "migrant_organisation",
        ["sprache", "leben-und-freizeit"],
        "de,ar",
        "Begegnung, Übersetzungshilfe, Hausaufgabenhilfe",
        (
            "Yusuf Darwish",
            "Vorsitzender",
            "02521 100 202",
            "ad-verein@beckum-demo.example",
            "ar,de",
        ),
    ),
    (
        "caritasverband-warendorf",
        "Caritasverband Warendorf",
        "welfare",
        ["wohnen", "sprache", "interkulturelle-oeffnung"],
        "de,ar,ru,tr",
        "Migrationsberatung für Erwachsene, Unterstützung bei der Wohnungssuche",
        (
            "Samira Nasser",
            "Migrationsberatung",
            "02521 100 203",
            "migration@caritas-demo.example",
            "de,ar",
        ),
    ),
    (
        "fachdienst-soziale-dienste",
        "Fachdienst Soziale Dienste der Stadt Beckum",
        "authority",
        ["wohnen", "interkulturelle-oeffnung"],
        "de,en",
        "Unterbringung, Leistungen, Integrationsmanagement",
        (
            "Miriam Adler",
            "Integrationsmanagerin",
            "02521 29-5000",
            "integration@beckum.example",
            "de,en",
        ),
    ),
    (
        "hin-sozialbuero",
        "HIN-Sozialbüro",
        "welfare",
        ["wohnen", "leben-und-freizeit"],
        "de,tr",
        "Sozialberatung, Hilfe bei Anträgen",
        (
            "Aylin Kaya",
            "Sozialberatung",
            "02521 100 205",
            "sozialbuero@beckum-demo.example",
            "de,tr",
        ),
    ),
    (
        "innosozial",
        "Innosozial gGmbH",
        "welfare",
        ["sprache", "leben-und-freizeit"],
        "de,en,uk",
        "Projekte für Familien und junge Menschen",
        (
            "Lena Fischer",
            "Projektleitung",
            "02521 100 206",
            "info@innosozial-demo.example",
            "de,uk",
        ),
    ),
    (
        "integrationslotsen",
        "Integrationslotsen Beckum",
        "initiative",
        ["interkulturelle-oeffnung", "sprache"],
        "de,ar,fa,ku,tr",
        "Begleitung zu Behörden, Sprachmittlung",
        ("Karim Haidari", "Lotse", "02521 100 207", "lotsen@beckum-demo.example", "fa,ku,de"),
    ),
    (
        "integrationsrat",
        "Integrationsrat der Stadt Beckum",
        "authority",
        ["interkulturelle-oeffnung"],
        "de,tr",
        "Politische Vertretung der Menschen mit Zuwanderungsgeschichte",
        (
            "Murat Demir",
            "Vorsitzender",
            "02521 100 208",
            "integrationsrat@beckum-demo.example",
            "de,tr",
        ),
    ),
    (
        "kita-st-stephanus",
        "Kindertageseinrichtung St. Stephanus",
        "daycare",
        ["sprache"],
        "de",
        "Sprachförderung im Kita-Alltag",
        ("Anna Becker", "Leitung", "02521 100 209", "kita-stephanus@beckum-demo.example", "de"),
    ),
    (
        "kim-kreis-warendorf",
        "Kommunales Integrationsmanagement des Kreises Warendorf",
        "authority",
        ["interkulturelle-oeffnung", "wohnen"],
        "de,en",
        "Case Management, rechtskreisübergreifende Zusammenarbeit",
        ("Jana Vogt", "Case Managerin", "02581 100 210", "kim@kreis-demo.example", "de,en"),
    ),
    (
        "ki-kreis-warendorf",
        "Kommunales Integrationszentrum des Kreises Warendorf",
        "authority",
        ["sprache", "interkulturelle-oeffnung"],
        "de,en,ar",
        "Bildung und Integration, Sprachmittlerpool",
        ("Rania Saleh", "Bildungsberatung", "02581 100 211", "ki@kreis-demo.example", "ar,de,en"),
    ),
    (
        "muetterzentrum",
        "Mütterzentrum Beckum e. V. mit dem Mehrgenerationenhaus",
        "association",
        ["leben-und-freizeit", "sprache"],
        "de,uk,ru",
        "Offener Treff, Sprachcafé, Kinderbetreuung",
        ("Olga Petrenko", "Offener Treff", "02521 100 212", "mgh@beckum-demo.example", "uk,ru,de"),
    ),
    (
        "vhs-beckum-wadersloh",
        "Volkshochschule Beckum-Wadersloh",
        "education",
        ["sprache"],
        "de,en",
        "Integrations- und Sprachkurse, Einstufungsberatung",
        (
            "Dirk Hoffmann",
            "Fachbereich Deutsch als Fremdsprache",
            "02521 100 213",
            "deutsch@vhs-demo.example",
            "de,en",
        ),
    ),
]

BECKUM_GROUPS = [
    {
        "slug": "kontakt-mit-behoerden",
        "title": "Kontakt mit (städtischen) Behörden",
        "purpose": "Mangelnde Sprach- und Systemkenntnisse sind für viele eine große Hürde im Kontakt mit Behörden. Die Arbeitsgruppe beschreibt Modelle für einen kultursensiblen und niedrigschwelligen Behördenkontakt, der Hilfe zur Selbsthilfe ermöglicht, mit ihren Vor- und Nachteilen.",
        "questions": "Wie kann sich die Beckumer Verwaltung auf den Weg der interkulturellen Öffnung machen?\nWie kann ein niederschwelliger und serviceorientierter Bürgerkontakt hergestellt werden?\nWelche Good-practice-Beispiele gibt es?",
        "field": "interkulturelle-oeffnung",
        "status": "active",
        "coordinator": "petra.wessel@example.org",
        "members": ["amal.haddad@example.org"],
    },
    {
        "slug": "zusammenleben-in-der-freizeit",
        "title": "Zusammenleben in der Freizeit",
        "purpose": "Die Arbeitsgruppe fragt Menschen mit Fluchtgeschichte, wie sie ihre Freizeit verbringen oder gerne verbringen würden und welche Zugangshürden zu bestehenden Angeboten bestehen – und wie Zugänge ermöglicht werden können.",
        "questions": "Wie wollen geflüchtete und zugewanderte Menschen in Beckum ihre Freizeit verbringen?\nWelche Hürden gibt es für sie?\nWie könnten diese überwunden werden?",
        "field": "leben-und-freizeit",
        "status": "temporary",
        "coordinator": "thomas.brinkmann@example.org",
        "members": ["olena.koval@example.org"],
    },
]

# Borken's measures (seed 002): (slug, title, field, goal/target group, description, participants, status)
BORKEN_MEASURES = [
    (
        "grundlegender-spracherwerb",
        "Grundlegender Spracherwerb",
        "borken-sprache",
        "Alle Personen mit Migrationshintergrund / Flüchtlinge über 18 Jahren",
        "Die Zielgruppe erhält innerhalb von drei Monaten nach Ankunft ein Angebot zum Erlernen der deutschen Sprache (Niveau A1). Zum Ende der Kurse werden Testungen durchgeführt.",
        ["vhs-borken", "jobcenter-borken", "drk-borken"],
        "running",
        [
            (
                "Teilnehmende mit bestandenem A1-Test",
                "Personen",
                120,
                [
                    (dt.date(2026, 3, 31), 35),
                    (dt.date(2026, 6, 30), 61),
                    (dt.date(2026, 9, 30), 88),
                ],
            )
        ],
    ),
    (
        "weiterfuehrende-sprachkurse",
        "Weiterführende Sprachkurse bis C2",
        "borken-sprache",
        "Alle Personen mit Migrationshintergrund / Flüchtlinge über 18 Jahren",
        "Differenziertes Angebot zum vertieften Erlernen der deutschen Sprache; Testungen zu Beginn und Ende der Kurse.",
        ["vhs-borken", "jobcenter-borken"],
        "running",
        [("Kurse im Jahr", "Kurse", 12, [(dt.date(2026, 6, 30), 5), (dt.date(2026, 10, 31), 9)])],
    ),
    (
        "integrationsspielgruppen",
        "Zweisprachige Integrationsspielgruppen (0–3 Jahre)",
        "borken-sprache",
        "Migrations- und Flüchtlingsfamilien mit Kindern von 0 bis 3 Jahren",
        "Alle Familien erhalten innerhalb von drei Monaten nach Ankunft ein zweisprachiges Spielgruppenangebot.",
        ["caritas-borken"],
        "planned",
        [],
    ),
    (
        "wohnraumkonzept",
        "Erstellung eines Wohnraumkonzepts",
        "borken-wohnen",
        "Flüchtlinge und Personen mit Migrationshintergrund",
        "Ein Wohnraumkonzept beschreibt ausgehend von einer Bestandsaufnahme, wie eine angemessene, dezentrale Versorgung mit Wohnraum im gesamten Stadtgebiet sichergestellt wird.",
        ["stabsstelle-asyl-borken"],
        "running",
        [
            (
                "Dezentral untergebrachte Personen",
                "%",
                80,
                [(dt.date(2026, 1, 31), 52), (dt.date(2026, 7, 31), 64)],
            )
        ],
    ),
    (
        "schuljugendarbeit",
        "Unterstützung des Systems Schule über die Schuljugendarbeit",
        "borken-bildung",
        "Kinder und Jugendliche mit Migrationshintergrund / Flüchtlinge, die eine Schule besuchen",
        "Über die Schuljugendarbeit lernen Kinder und Jugendliche die offene Kinder- und Jugendarbeit kennen und werden zielgerichtet begleitet.",
        [],
        "running",
        [],
    ),
    (
        "perspektive-fuer-fluechtlinge",
        "Perspektive für Flüchtlinge (PerF)",
        "borken-arbeit",
        "Erwerbsfähige Asylberechtigte und anerkannte Flüchtlinge im SGB II",
        "Feststellung berufsfachlicher Kenntnisse, Vermittlung berufsfachlicher Sprachkenntnisse, Bewerbungsunterstützung.",
        ["jobcenter-borken", "drk-borken", "stabsstelle-asyl-borken"],
        "done",
        [("Teilnehmende", "Personen", 40, [(dt.date(2026, 4, 30), 40)])],
    ),
    (
        "praktika",
        "Praktika in Borkener Betrieben",
        "borken-arbeit",
        "Erwerbsfähige Flüchtlinge und Asylbewerber",
        "Erprobung von Arbeitsabläufen im Echtbetrieb ohne den Druck eines Arbeitsvertrages, 4 bis 6 Wochen.",
        ["jobcenter-borken", "stabsstelle-asyl-borken"],
        "running",
        [],
    ),
    (
        "sportvereine",
        "Vermittlung in Sportvereine",
        "borken-freizeit",
        "Kinder und Jugendliche mit Migrationshintergrund / Flüchtlinge",
        "Kitas, Schulen und offene Jugendarbeit stellen die Angebote der Vereine vor und begleiten in diese.",
        ["stabsstelle-asyl-borken"],
        "running",
        [],
    ),
    (
        "haus-der-begegnung",
        "Haus der Begegnung",
        "borken-freizeit",
        "Alle Einwohnerinnen und Einwohner mit Migrationshintergrund",
        "Ankommenstreffpunkt mit Erfahrungsaustausch der Ehrenamtlichen, Angeboten von Ehrenamtlichen und sozialpädagogischer Beratung.",
        ["stabsstelle-asyl-borken"],
        "running",
        [],
    ),
]

# Borken's address list (seed 002, chapter 8)
BORKEN_ORGANISATIONS = [
    (
        "stabsstelle-asyl-borken",
        "Stabsstelle für Koordination Asyl und Flüchtlinge",
        "authority",
        ["borken-wohnen", "borken-freizeit"],
        "Unterbringung von Asylbewerbern, Sicherstellung des Lebensunterhaltes",
        "Im Piepershagen 17",
    ),
    (
        "auslaenderbehoerde-kreis-borken",
        "Ausländerbehörde des Kreises Borken",
        "authority",
        [],
        "Erteilung von Aufenthaltsgenehmigungen, Arbeitserlaubnissen",
        "Burloer Str. 93",
    ),
    (
        "jobcenter-borken",
        "Jobcenter der Stadt Borken",
        "authority",
        ["borken-arbeit", "borken-sprache"],
        "Vermittlung in Sprach- und Integrationskurse, Heranführung an den Arbeitsmarkt, Vermittlung in Arbeit",
        "Im Piepershagen 17",
    ),
    (
        "vhs-borken",
        "Volkshochschule der Stadt Borken",
        "education",
        ["borken-sprache"],
        "Durchführung von Sprach- und Integrationskursen",
        "Heidener Straße 88",
    ),
    (
        "drk-borken",
        "Deutsches Rotes Kreuz Borken",
        "welfare",
        ["borken-sprache", "borken-arbeit"],
        "Durchführung von Sprach- und Integrationskursen, Rückkehrberatung",
        "Röntgenstraße 6",
    ),
    (
        "caritas-borken",
        "Caritasverband für das Dekanat Borken",
        "welfare",
        ["borken-sprache", "borken-bildung"],
        "Information, Beratung und Begleitung, Integrationsagentur",
        "Turmstraße 14",
    ),
]


def _child(parent, model, slug: str, **fields):
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _fields(site, rows) -> dict[str, ActionField]:
    locale = Locale.get_default()
    fields = {}
    for order, (slug, name, principle, goal, icon) in enumerate(rows):
        field, _created = ActionField.objects.get_or_create(
            slug=slug,
            locale=locale,
            defaults={
                "site": site,
                "name": name,
                "guiding_principle": principle,
                "goal": goal,
                "icon": icon,
                "sort_order": order,
            },
        )
        fields[slug] = field
    return fields


def _network(demo, site, home, title: str, intro: str, **extra) -> NetworkPage:
    page = _child(home, NetworkPage, "netzwerk", title=title, intro=intro, **extra)
    demo.add_to_menu(site, page, 10)
    return page


def load_beckum(demo) -> None:
    site = demo.beckum
    fields = _fields(site, BECKUM_FIELDS)
    network = _network(
        demo,
        site,
        demo.beckum_home,
        "Netzwerk Integration",
        "Im Netzwerk Integration treffen sich regelmäßig die Akteurinnen und Akteure der Beckumer Integrationsarbeit.",
        mission=(
            "<p>Wir setzen Impulse für das Zusammenleben von Menschen mit und ohne "
            "Zuwanderungsgeschichte in Beckum. Seit 2022 koordiniert das Integrationsmanagement "
            "der Stadt die Zusammenarbeit; es sorgt für einen transparenten Informationsfluss im "
            "Netzwerk und zwischen Netzwerk, Politik und Verwaltung.</p>"
        ),
        guiding_principles=[
            (
                "principle",
                "<p>Integration ist eine gesamtgesellschaftliche Aufgabe, die nur gemeinsam gelingt.</p>",
            ),
            (
                "principle",
                "<p>Wir arbeiten an Hebeln für erfolgreiche Integrationsprozesse: Sprachmittlung und Patenschaften.</p>",
            ),
            ("principle", "<p>Wir fragen die Menschen selbst, was ihnen hilft.</p>"),
        ],
        structure=(
            "<p>Das <b>Netzwerk Integration</b> trifft sich regelmäßig. Die "
            "<b>Integrationsmanagerin</b> bereitet die Treffen vor und begleitet die "
            "Arbeitsgruppen moderierend und koordinierend. Arbeitsgruppen bearbeiten einzelne "
            "Schwerpunkte und stellen ihre Ergebnisse den politischen Gremien vor.</p>"
        ),
        reports_to="Ausschuss für Inklusion, Gleichstellung, Soziales, Wohnen und Ehrenamt; Integrationsrat",
    )
    _child(
        network,
        OrganisationDirectoryPage,
        "ansprechpersonen",
        title="Ansprechpersonen",
        intro="Wen frage ich zu Sprache, Wohnen oder Behördengängen – und in welcher Sprache?",
    )
    _child(
        network,
        MeasureIndexPage,
        "massnahmen",
        title="Maßnahmen",
        intro="Was das Netzwerk tut: Maßnahmen mit Zielen, Beteiligten und Kennzahlen.",
    )
    index = _child(
        network,
        WorkingGroupIndexPage,
        "arbeitsgruppen",
        title="Arbeitsgruppen",
        intro="Arbeitsgruppen des Netzwerks bearbeiten einzelne Schwerpunkte.",
    )
    organisations = {}
    for slug, name, kind, field_slugs, languages, services, contact in BECKUM_ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = Organisation(
                site=site,
                slug=slug,
                name=name,
                kind=kind,
                city="Beckum",
                postcode="59269",
                languages=languages,
                services=services,
            )
            organisation.save()
            organisation.action_fields.set([fields[f] for f in field_slugs])
            organisation.save()
            c_name, role, phone, email, c_languages = contact
            ContactPerson.objects.create(
                organisation=organisation,
                name=c_name,
                role=role,
                phone=phone,
                email=email,
                languages=c_languages,
                sort_order=0,
            )
        organisations[slug] = organisation
    groups = {}
    for spec in BECKUM_GROUPS:
        group = groups[spec["slug"]] = _child(
            index,
            WorkingGroupPage,
            spec["slug"],
            title=spec["title"],
            purpose=spec["purpose"],
            guiding_questions=spec["questions"],
            action_field=fields[spec["field"]],
            status=spec["status"],
        )
        people = [(spec["coordinator"], "coordinator")] + [(m, "member") for m in spec["members"]]
        for email, role in people:
            user = demo.users.get(email)
            if user is not None:
                Membership.objects.get_or_create(
                    working_group=group,
                    user=user,
                    defaults={"role": role, "status": Membership.Status.ACTIVE},
                )
        if not group.posts.exists():
            GroupPost.objects.create(
                working_group=group,
                kind=GroupPost.Kind.MINUTES,
                title="Auftakttreffen",
                meeting_date=dt.date(2026, 9, 15),
                body="Anwesend: die Mitglieder der Arbeitsgruppe.\nVereinbart: Good-practice-Beispiele sammeln; nächstes Treffen im Oktober.",
                author=demo.users.get(spec["coordinator"]),
            )
    Membership.objects.get_or_create(
        working_group=groups["kontakt-mit-behoerden"],
        organisation=organisations["integrationslotsen"],
        defaults={"status": Membership.Status.ACTIVE},
    )
    _measure(
        site,
        "sprachmittlerpool",
        "Aufbau eines Pools von Sprachmittlerinnen und Sprachmittlern",
        fields["sprache"],
        "Menschen, die kurzfristig Sprachmittlung brauchen, und die Einrichtungen, die sie beraten",
        "Ein Pool an Personen mit unterschiedlichen Sprachkenntnissen, die bereit sind, flexibel und kurzfristig sprachmittelnd zu unterstützen.",
        [organisations["integrationslotsen"], organisations["ki-kreis-warendorf"]],
        "running",
        [
            (
                "Sprachmittelnde im Pool",
                "Personen",
                25,
                [(dt.date(2026, 2, 1), 6), (dt.date(2026, 6, 1), 14), (dt.date(2026, 10, 1), 19)],
            )
        ],
    )


def _measure(site, slug, title, field, target_group, description, participants, status, indicators):
    measure = Measure.objects.filter(site=site, slug=slug).first()
    if measure is not None:
        return measure
    measure = Measure(
        site=site,
        slug=slug,
        title=title,
        action_field=field,
        goal=target_group,
        target_group=target_group,
        description=description,
        lead_organisation=participants[0] if participants else None,
        status=status,
        start_date=dt.date(2026, 1, 1),
    )
    measure.save()
    measure.participants.set(participants)
    measure.save()
    for order, (name, unit, target, readings) in enumerate(indicators):
        indicator = Indicator(
            measure=measure, name=name, unit=unit, target=target, sort_order=order
        )
        for date, value in readings:
            indicator.current_value, indicator.reading_date = value, date
            indicator.save()  # each save keeps a reading: the history
    return measure


def load_borken(demo) -> None:
    site = demo.borken
    fields = _fields(site, BORKEN_FIELDS)
    network = _network(
        demo,
        site,
        demo.borken_home,
        "Zusammenleben in Borken",
        "Das Integrationskonzept „Zusammenleben in Borken“: Leitsätze und Maßnahmen je Handlungsfeld.",
        mission="<p>Alle Menschen, die dauerhaft und rechtmäßig in Borken leben, werden in die Gesellschaft einbezogen. Zuwanderern soll eine umfassende und gleichberechtigte Teilhabe in allen gesellschaftlichen Bereichen ermöglicht werden.</p>",
        reports_to="Rat der Stadt Borken",
    )
    _child(network, OrganisationDirectoryPage, "adressen", title="Wichtige Adressen")
    _child(
        network,
        MeasureIndexPage,
        "massnahmen",
        title="Maßnahmen",
        intro="Die Maßnahmen des Integrationskonzepts mit Ziel, Zielgruppe und Beteiligten.",
    )
    organisations = {}
    for slug, name, kind, field_slugs, services, street in BORKEN_ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = Organisation(
                site=site,
                slug=slug,
                name=name,
                kind=kind,
                street=street,
                postcode="46325",
                city="Borken",
                services=services,
                languages="de",
            )
            organisation.save()
            organisation.action_fields.set([fields[f] for f in field_slugs])
            organisation.save()
        organisations[slug] = organisation
    for (
        slug,
        title,
        field,
        target,
        description,
        participants,
        status,
        indicators,
    ) in BORKEN_MEASURES:
        _measure(
            site,
            slug,
            title,
            fields[field],
            target,
            description,
            [organisations[p] for p in participants],
            status,
            indicators,
        )


def load(demo) -> None:
    load_beckum(demo)
    load_borken(demo)
