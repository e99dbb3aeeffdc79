"""Demo mentoring: "Patenschaften Borken" with the Freiwilligenagentur and "Lesepaten Beckum",
with invented mentors and mentees in every state (waiting, proposed, active with check-ins,
one flagged, one overdue, paused, ended).

Idempotent: programmes are found by site and name; people and matches are made only for a
programme that has none yet.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from networks.models import ActionField, Organisation

from .models import Application, CheckIn, Match, MentorProfile, Programme

# (name, email, mail language, languages, offers, area, times, max matches, certificate age in days)
BORKEN_MENTORS = [
    (
        "Ursula Terhaar",
        "ursula.terhaar@example.org",
        "de",
        "de,en",
        ["everyday", "authorities"],
        "Weseke",
        ["weekday_morning"],
        2,
        None,
    ),
    (
        "Karim Mansour",
        "karim.mansour@example.org",
        "ar",
        "de,ar",
        ["authorities", "job"],
        "Innenstadt",
        ["weekday_evening", "weekend"],
        1,
        None,
    ),
    (
        "Bernd Schulte",
        "bernd.schulte@example.org",
        "de",
        "de",
        ["job", "everyday"],
        "Gemen",
        ["weekday_afternoon"],
        1,
        None,
    ),
    (
        "Oksana Melnyk",
        "oksana.melnyk@example.org",
        "uk",
        "de,uk,ru",
        ["language", "everyday"],
        "Innenstadt",
        ["weekday_evening"],
        2,
        None,
    ),
    (
        "Ayşe Demir",
        "ayse.demir@example.org",
        "tr",
        "de,tr",
        ["leisure", "everyday"],
        "Gemen",
        ["weekend"],
        1,
        None,
    ),
]
BECKUM_MENTORS = [
    (
        "Gisela Hoppe",
        "gisela.hoppe@example.org",
        "de",
        "de",
        ["homework", "language"],
        "Neubeckum",
        ["weekday_afternoon"],
        2,
        400,
    ),
    (
        "Tobias Kramer",
        "tobias.kramer@example.org",
        "de",
        "de,en",
        ["homework"],
        "Innenstadt",
        ["weekday_afternoon", "weekend"],
        1,
        900,
    ),
    (
        "Nour Al-Hassan",
        "nour.alhassan@example.org",
        "ar",
        "de,ar",
        ["homework", "language"],
        "Neubeckum",
        ["weekday_afternoon"],
        1,
        200,
    ),
    (
        "Hanna Roth",
        "hanna.roth@example.org",
        "de",
        "de",
        ["homework"],
        "Vellern",
        ["weekday_morning"],
        1,
        2000,
    ),  # expired
]
# (name, email, language, languages, seeks, area, times, family, with children)
BORKEN_MENTEES = [
    (
        "Ahmad Rahimi",
        "ahmad.rahimi@example.org",
        "ar",
        "fa,de",
        ["authorities", "job"],
        "Innenstadt",
        ["weekday_evening"],
        "",
        False,
    ),
    (
        "Yaroslava Bondar",
        "yaroslava.bondar@example.org",
        "uk",
        "uk,ru",
        ["language", "everyday"],
        "Innenstadt",
        ["weekday_evening"],
        "eine Tochter, 12",
        False,
    ),
    (
        "Familie Tesfay",
        "tesfay@example.org",
        "en",
        "ti,en",
        ["everyday", "authorities"],
        "Weseke",
        ["weekday_morning"],
        "zwei Erwachsene, drei Kinder (4, 7, 10)",
        False,
    ),
    (
        "Mehmet Kaya",
        "mehmet.kaya@example.org",
        "tr",
        "tr",
        ["job"],
        "Gemen",
        ["weekday_afternoon"],
        "",
        False,
    ),
    (
        "Samira Haidari",
        "samira.haidari@example.org",
        "ar",
        "ar,fa",
        ["leisure"],
        "Gemen",
        ["weekend"],
        "",
        False,
    ),
]
BECKUM_MENTEES = [
    (
        "Lina Saleh",
        "lina.saleh@example.org",
        "ar",
        "ar,de",
        ["homework"],
        "Neubeckum",
        ["weekday_afternoon"],
        "Lina, 8 Jahre",
        True,
    ),
    (
        "Dmytro Shevchenko",
        "dmytro.shevchenko@example.org",
        "uk",
        "uk,de",
        ["homework", "language"],
        "Innenstadt",
        ["weekday_afternoon"],
        "Dmytro, 10 Jahre",
        True,
    ),
    (
        "Elif Yıldız",
        "elif.yildiz@example.org",
        "tr",
        "tr,de",
        ["homework"],
        "Neubeckum",
        ["weekday_afternoon"],
        "Elif, 7 Jahre",
        True,
    ),
]


def _programme(site, name, **defaults) -> tuple[Programme, bool]:
    programme = Programme.objects.filter(site=site, name=name).first()
    if programme is not None:
        return programme, False
    return Programme.objects.create(site=site, name=name, **defaults), True


def _mentors(programme, rows, today) -> list[MentorProfile]:
    made = []
    for name, email, language, languages, offers, area, times, most, age in rows:
        made.append(
            MentorProfile.objects.create(
                programme=programme,
                name=name,
                email=email,
                language=language,
                languages=languages,
                offers=offers,
                area=area,
                availability=times,
                max_matches=most,
                works_with_children=age is not None,
                police_certificate_date=today - dt.timedelta(days=age) if age is not None else None,
            )
        )
    return made


def _applications(programme, rows, now) -> list[Application]:
    made = []
    for number, (
        name,
        email,
        language,
        languages,
        seeks,
        area,
        times,
        family,
        children,
    ) in enumerate(rows):
        applied = now - dt.timedelta(days=60 - 9 * number)
        made.append(
            Application.objects.create(
                programme=programme,
                status=Application.Status.WAITING,
                name=name,
                email=email,
                language=language,
                languages=languages,
                seeks=seeks,
                area=area,
                availability=times,
                family=family,
                with_children=children,
                created_at=applied,
                confirmed_at=applied + dt.timedelta(hours=2),
                consent_at=applied + dt.timedelta(hours=2),
                consent_text_version="2026-12",
            )
        )
    return made


def _match(application, mentor, status, started_days_ago, now, **extra) -> Match:
    started = now - dt.timedelta(days=started_days_ago)
    values = {
        "programme": application.programme,
        "application": application,
        "mentor": mentor,
        "status": status,
        "proposed_at": started - dt.timedelta(days=3),
    }
    if status != Match.Status.PROPOSED:
        values |= {
            "mentor_accepted_at": started,
            "mentee_accepted_at": started,
            "started_at": started,
            "first_meeting_at": started + dt.timedelta(days=4),
            "first_meeting_place": "Stadtbücherei",
        }
    else:
        values["mentor_accepted_at"] = now - dt.timedelta(hours=5)
    values |= extra
    match = Match.objects.create(**values)
    application_status = {
        Match.Status.PROPOSED: Application.Status.PROPOSED,
        Match.Status.ENDED: Application.Status.CLOSED,
    }.get(status, Application.Status.MATCHED)
    Application.objects.filter(pk=application.pk).update(status=application_status)
    return match


def load(demo) -> None:
    now = timezone.now()
    today = timezone.localdate()
    borken_agency = Organisation.objects.filter(slug="freiwilligenagentur-borken").first()
    if borken_agency is None:
        borken_agency = Organisation.objects.create(
            site=demo.borken,
            slug="freiwilligenagentur-borken",
            name="Freiwilligenagentur Borken",
            kind="initiative",
            city="Borken",
            postcode="46325",
            languages="de",
            services="Vermittlung von Ehrenamtlichen, Patenschaften für Geflüchtete",
        )
    borken, created = _programme(
        demo.borken,
        "Patenschaften Borken",
        kind=Programme.Kind.MENTORING,
        organisation=borken_agency,
        action_field=ActionField.objects.filter(slug="borken-freizeit").first(),
        description=(
            "Ehrenamtliche Patinnen und Paten begleiten Geflüchtete im Alltag: bei Behörden, "
            "Formularen, der Suche nach Arbeit und in der Freizeit."
        ),
        checkin_interval_weeks=4,
    )
    manager = demo.users.get("integration@borken.example")
    if created:
        if manager is not None:
            borken.coordinators.add(manager)
        mentors = _mentors(borken, BORKEN_MENTORS, today)
        ahmad, yaroslava, tesfay, mehmet, samira = _applications(borken, BORKEN_MENTEES, now)
        active = _match(ahmad, mentors[1], Match.Status.ACTIVE, 50, now)
        CheckIn.objects.create(
            match=active, side="mentor", mood="good", created_at=now - dt.timedelta(days=10)
        )
        CheckIn.objects.create(
            match=active, side="mentee", mood="good", created_at=now - dt.timedelta(days=9)
        )
        flagged = _match(yaroslava, mentors[3], Match.Status.ACTIVE, 30, now)
        CheckIn.objects.create(
            match=flagged,
            side="mentee",
            mood="difficult",
            note="Wir finden keinen gemeinsamen Termin mehr.",
            please_contact=True,
            created_at=now - dt.timedelta(days=2),
        )
        _match(tesfay, mentors[0], Match.Status.ACTIVE, 45, now)  # no check-in yet: overdue
        _match(
            samira,
            mentors[4],
            Match.Status.ENDED,
            200,
            now,
            ended_at=now - dt.timedelta(days=20),
            end_reason=Match.EndReason.MOVED,
        )
        del mehmet  # waits for a mentor
    beckum_agency = Organisation.objects.filter(slug="arbeitskreis-asyl").first()
    beckum, created = _programme(
        demo.beckum,
        "Lesepaten Beckum",
        kind=Programme.Kind.READING,
        organisation=beckum_agency,
        action_field=ActionField.objects.filter(slug="sprache").first(),
        description="Lesepatinnen und Lesepaten lesen einmal in der Woche mit Kindern und helfen bei den Hausaufgaben.",
        checkin_interval_weeks=6,
        with_children=True,
    )
    if created:
        manager = demo.users.get("integration@beckum.example")
        petra = demo.users.get("petra.wessel@example.org")
        for person in (manager, petra):
            if person is not None:
                beckum.coordinators.add(person)
        mentors = _mentors(beckum, BECKUM_MENTORS, today)
        amal = demo.users.get("amal.haddad@example.org")
        if amal is not None:
            MentorProfile.objects.filter(pk=mentors[2].pk).update(user=amal)
        lina, dmytro, elif_ = _applications(beckum, BECKUM_MENTEES, now)
        match = _match(lina, mentors[2], Match.Status.ACTIVE, 20, now)
        CheckIn.objects.create(
            match=match,
            side="mentor",
            mood="good",
            note="Lina liest schon viel flüssiger.",
            created_at=now - dt.timedelta(days=6),
        )
        _match(dmytro, mentors[0], Match.Status.PROPOSED, 1, now)
        _match(
            elif_, mentors[1], Match.Status.PAUSED, 70, now, paused_at=now - dt.timedelta(days=14)
        )
