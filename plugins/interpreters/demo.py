"""Demo interpreter pool of Beckum: eight invented language mediators (Arabic, Dari,
Farsi, Kurmanji, Ukrainian and Russian, Turkish, Tigrinya) and requests in every state
(looking for someone, assigned, with the coordinators, cancelled, done with confirmed
hours, and one waiting for its hours).

Idempotent: mediators are found by town and address; the requests are made only while the
town's pool has none. Everything is written directly (no mails go out while loading).
"""

from __future__ import annotations

import datetime as dt

import recurrence
from dateutil import rrule
from django.contrib.auth import get_user_model
from django.utils import timezone

from treffpunkt.demo import DEMO_PASSWORD, _verify_email

from .models import (
    Absence,
    Assignment,
    Availability,
    Mediator,
    MediatorLanguage,
    Offer,
    OfferMode,
    Request,
)

MO, TU, WE, TH, FR, SA = range(6)

# (first, last, email, mail language, gender, [(language, dialect, level)], topics, ways,
#  monthly wish, [(weekdays, from, until)], in the contact directory)
MEDIATORS = [
    (
        "Nour",
        "Khatib",
        "nour.khatib@example.org",
        "ar",
        "female",
        [("ara", "Syrisch", 3)],
        ["health", "school"],
        [],
        6,
        [((MO, TU, WE, TH), 8, 14)],
        True,
    ),
    (
        "Samir",
        "Aziz",
        "samir.aziz@example.org",
        "ar",
        "male",
        [("ara", "Irakisch", 3), ("kmr", "Badini", 2)],
        [],
        ["on_site", "phone"],
        4,
        [((MO, WE, FR), 9, 17)],
        False,
    ),
    (
        "Zilan",
        "Aydın",
        "zilan.aydin@example.org",
        "tr",
        "female",
        [("kmr", "", 3), ("tur", "", 3)],
        ["authorities", "counselling", "housing"],
        [],
        4,
        [((TU, TH), 13, 18), ((SA,), 10, 13)],
        True,
    ),
    (
        "Farid",
        "Rahimi",
        "farid.rahimi@example.org",
        "de",
        "male",
        [("prs", "", 3), ("pes", "", 2)],
        [],
        [],
        8,
        [((MO, TU, WE, TH, FR), 8, 16)],
        False,
    ),
    (
        "Shirin",
        "Karimi",
        "shirin.karimi@example.org",
        "de",
        "female",
        [("pes", "", 3), ("prs", "", 2)],
        ["health", "counselling"],
        ["on_site", "video"],
        3,
        [((TU, FR), 9, 13)],
        False,
    ),
    (
        "Tetiana",
        "Bondarenko",
        "tetiana.bondarenko@example.org",
        "uk",
        "female",
        [("ukr", "", 3), ("rus", "", 3)],
        [],
        [],
        5,
        [((MO, TU, WE, TH, FR), 8, 18)],
        True,
    ),
    (
        "Emre",
        "Kaya",
        "emre.kaya@example.org",
        "tr",
        "male",
        [("tur", "", 3)],
        ["authorities", "school", "housing"],
        [],
        4,
        [((WE, TH, FR), 12, 19)],
        False,
    ),
    (
        "Selam",
        "Tesfamariam",
        "selam.tesfamariam@example.org",
        "en",
        "female",
        [("tir", "Eritreisch", 3), ("amh", "", 1)],
        [],
        ["on_site", "phone"],
        4,
        [((MO, TU, WE, TH, FR), 8, 17)],
        False,
    ),
]


def _weekly(days) -> recurrence.Recurrence:
    return recurrence.Recurrence(rrules=[recurrence.Rule(rrule.WEEKLY, byday=list(days))])


def _mediators(site, today: dt.date) -> dict[str, Mediator]:
    User = get_user_model()
    found = {}
    for (
        first,
        last,
        email,
        language,
        gender,
        languages,
        topics,
        modes,
        wish,
        windows,
        directory,
    ) in MEDIATORS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "preferred_language": language},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            _verify_email(user)
        mediator = Mediator.objects.filter(site=site, user=user).first()
        if mediator is None:
            mediator = Mediator.objects.create(
                site=site,
                user=user,
                gender=gender,
                topics=topics,
                modes=modes,
                monthly_wish=wish,
                in_directory=directory,
            )
            for code, dialect, level in languages:
                MediatorLanguage.objects.create(
                    mediator=mediator, language=code, dialect=dialect, level=level
                )
            for days, start, end in windows:
                Availability.objects.create(
                    mediator=mediator,
                    starts_on=today - dt.timedelta(days=365),
                    recurrence=_weekly(days),
                    start_time=dt.time(start),
                    end_time=dt.time(end),
                )
        found[first] = mediator
    return found


def _next_weekday(today: dt.date, weekday: int, weeks: int = 0) -> dt.date:
    """The first ``weekday`` after ``today`` (never today itself), ``weeks`` later."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1 + 7 * weeks)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_default_timezone()
    )


def _request(site, requester, starts_at, now, **fields) -> Request:
    values = {
        "site": site,
        "requester": requester,
        "organisation": "",
        "duration_minutes": 60,
        "mode": "on_site",
        "topic": "authorities",
        "offer_mode": OfferMode.ALL,
        "created_at": min(now, starts_at) - dt.timedelta(days=3),
        "answer_by": min(now, starts_at) + dt.timedelta(hours=20),
    }
    values.update(fields)
    return Request.objects.create(starts_at=starts_at, **values)


def _assign(request, mediator, others=(), **hours) -> Assignment:
    sent = request.created_at + dt.timedelta(minutes=5)
    Offer.objects.create(
        request=request,
        mediator=mediator,
        rank=1,
        status=Offer.Status.ACCEPTED,
        sent_at=sent,
        answered_at=sent + dt.timedelta(minutes=40),
    )
    for rank, other in enumerate(others, start=2):
        Offer.objects.create(
            request=request,
            mediator=other,
            rank=rank,
            status=Offer.Status.TAKEN,
            sent_at=sent,
            answered_at=sent + dt.timedelta(minutes=40),
        )
    request.assigned_at = sent + dt.timedelta(minutes=40)
    request.save(update_fields=["assigned_at"])
    return Assignment.objects.create(
        request=request,
        mediator=mediator,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        created_at=request.assigned_at,
        **hours,
    )


def _requests(site, people, m: dict[str, Mediator], now: dt.datetime, today: dt.date) -> None:
    petra = people.get("petra.wessel@example.org")
    amal = people.get("amal.haddad@example.org")
    miriam = people.get("integration@beckum.example")
    olena = people.get("olena.koval@example.org")
    S = Request.Status

    # done: the last three months, hours confirmed (the statements and the report have figures)
    done = [
        (m["Nour"], "ara", "Syrisch", petra, 40, TU, 9, "health", 75, 75, "4.5"),
        (m["Farid"], "prs", "", miriam, 33, WE, 10, "authorities", 60, 60, "0"),
        (m["Tetiana"], "ukr", "", olena, 26, MO, 11, "school", 50, 45, "3.0"),
        (m["Zilan"], "kmr", "", amal, 19, TH, 14, "counselling", 90, 90, "6.0"),
        (m["Selam"], "tir", "Eritreisch", petra, 12, FR, 9, "authorities", 60, 70, "2.5"),
        (m["Emre"], "tur", "", petra, 62, TH, 15, "school", 45, 45, "1.5"),
        (m["Farid"], "prs", "", amal, 75, TU, 12, "housing", 120, 120, "5.0"),
    ]
    for (
        mediator,
        code,
        dialect,
        requester,
        days_ago,
        weekday,
        hour,
        topic,
        mine,
        theirs,
        km,
    ) in done:
        day = _next_weekday(today - dt.timedelta(days=days_ago), weekday)
        request = _request(
            site,
            requester,
            _at(day, hour),
            now,
            language=code,
            dialect=dialect,
            topic=topic,
            status=S.DONE,
            place="Rathaus Beckum, Weststraße 46",
            duration_minutes=mine,
        )
        _assign(
            request,
            mediator,
            mediator_minutes=mine,
            requester_minutes=theirs,
            travel_km=km,
            confirmed_minutes=mine,
            confirmed_at=request.starts_at + dt.timedelta(days=1),
        )

    # past, assigned: the mediator reported, the requester has not yet
    waiting = _request(
        site,
        petra,
        _at(today - dt.timedelta(days=3), 10),
        now,
        language="ara",
        topic="school",
        status=S.ASSIGNED,
        place="Grundschule Friedrich-von-Bodelschwingh, Beckum",
    )
    _assign(waiting, m["Samir"], mediator_minutes=55, travel_km="3.0")

    # assigned, coming up: Tigrinya at the job centre on Thursday at 9
    thursday = _next_weekday(today, TH)
    jobcenter = _request(
        site,
        petra,
        _at(thursday, 9),
        now,
        language="tir",
        dialect="Eritreisch",
        status=S.ASSIGNED,
        organisation="Migrationsberatung Caritas",
        place="Jobcenter Beckum, Raum 12",
        note="Erstgespräch, Unterlagen werden mitgebracht.",
    )
    _assign(jobcenter, m["Selam"])
    school = _request(
        site,
        olena,
        _at(_next_weekday(today, TU, weeks=1), 15),
        now,
        language="ukr",
        topic="school",
        status=S.ASSIGNED,
        place="Kopernikus-Gymnasium, Elternsprechtag",
        duration_minutes=45,
    )
    _assign(school, m["Tetiana"], others=[])

    # looking for someone: offered to several at once, nobody answered yet
    doctor = _request(
        site,
        amal,
        _at(_next_weekday(today, TU, weeks=1), 10),
        now,
        language="pes",
        topic="health",
        status=S.OPEN,
        preferred_gender="female",
        place="Praxis Dr. Lütke, Nordstraße 3",
        note="Vorsorgetermin; eine Frau als Sprachmittlerin gewünscht.",
        created_at=now - dt.timedelta(hours=2),
        answer_by=now + dt.timedelta(days=2),
    )
    for rank, mediator in enumerate((m["Shirin"], m["Farid"]), start=1):
        Offer.objects.create(
            request=doctor,
            mediator=mediator,
            rank=rank,
            status=Offer.Status.SENT,
            sent_at=now - dt.timedelta(hours=2),
        )
    # looking for someone, one after the other: the first declined, the second is asked
    housing = _request(
        site,
        miriam,
        _at(_next_weekday(today, WE, weeks=1), 14),
        now,
        language="kmr",
        topic="housing",
        status=S.OPEN,
        offer_mode=OfferMode.IN_TURN,
        place="Wohnungsamt Beckum",
        created_at=now - dt.timedelta(hours=6),
        answer_by=now + dt.timedelta(days=2),
    )
    Offer.objects.create(
        request=housing,
        mediator=m["Zilan"],
        rank=1,
        status=Offer.Status.DECLINED,
        sent_at=now - dt.timedelta(hours=6),
        answered_at=now - dt.timedelta(hours=3),
    )
    Offer.objects.create(
        request=housing,
        mediator=m["Samir"],
        rank=2,
        status=Offer.Status.SENT,
        sent_at=now - dt.timedelta(hours=3),
    )

    # with the coordinators: nobody in the pool speaks Somali
    _request(
        site,
        petra,
        _at(_next_weekday(today, FR), 11),
        now,
        language="som",
        topic="counselling",
        status=S.ESCALATED,
        mode="phone",
        place="Telefon, die Beratungsstelle ruft an",
        created_at=now - dt.timedelta(days=1),
        answer_by=now - dt.timedelta(hours=2),
    )

    # cancelled by the requester; the offers were withdrawn
    cancelled = _request(
        site,
        amal,
        _at(_next_weekday(today, MO, weeks=1), 9),
        now,
        language="ara",
        topic="authorities",
        status=S.CANCELLED,
        place="Ausländerbehörde Kreis Warendorf",
        created_at=now - dt.timedelta(days=2),
    )
    Offer.objects.create(
        request=cancelled,
        mediator=m["Nour"],
        rank=1,
        status=Offer.Status.WITHDRAWN,
        sent_at=now - dt.timedelta(days=2),
        answered_at=now - dt.timedelta(days=1),
    )


def load(demo) -> None:
    now = timezone.now()
    today = timezone.localdate(now, timezone.get_default_timezone())
    site = demo.beckum
    mediators = _mediators(site, today)
    if not Absence.objects.filter(mediator=mediators["Emre"]).exists():
        Absence.objects.create(
            mediator=mediators["Emre"],
            first_day=today + dt.timedelta(days=20),
            last_day=today + dt.timedelta(days=34),
        )
    if not Request.objects.filter(site=site).exists():
        _requests(site, demo.users, mediators, now, today)
