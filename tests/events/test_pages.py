"""Event pages, the calendar, sign-up forms and token links through HTTP."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import ConferencePage, FestivalPage, Question, Registration

from .conftest import add_event, in_days

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
S = Registration.Status


def signup_url(page) -> str:
    return page.url + "anmelden/"


def test_event_page_shows_facts_and_the_sign_up_form(client, event):
    event.location_name, event.address = "Familienzentrum", "Lippweg 3, 59269 Beckum"
    event.accessibility, event.languages = "Stufenloser Zugang", "de,ar"
    event.save_revision().publish()
    html = client.get(event.url, **HOST).content.decode()
    assert "Familienzentrum" in html and "Stufenloser Zugang" in html
    assert 'name="email"' in html and 'name="party_size"' in html
    assert event.url + "ics/" in html
    assert "calendar.google.com" in html


def test_event_page_in_arabic_is_rtl_and_translated(client, event):
    response = client.get("/ar" + event.url, **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "التسجيل" in html  # "Sign up"


def test_sign_up_through_the_form_and_confirm_by_the_link(client, event, commit):
    with commit():
        response = client.post(
            signup_url(event),
            {"email": "nour@example.org", "name": "Nour", "party_size": "3"},
            **HOST,
        )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.status, registration.party_size) == (S.HELD, 3)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/bestaetigen/" in line)
    # a mail scanner opens every link: the GET shows one button and changes nothing
    response = client.get(link.replace("http://beckum.test", ""), **HOST)
    assert response.status_code == 200
    assert '<form method="post">' in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.HELD
    with commit():
        response = client.post(link.replace("http://beckum.test", ""), **HOST)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    cancel = next(line for line in mail.outbox[-1].body.splitlines() if "/absagen/" in line)
    path = cancel.replace("http://beckum.test", "")
    assert client.get(path, **HOST).status_code == 200  # a page with a button, nothing changes
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    client.post(path, **HOST)
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED


def test_sign_up_in_arabic_sends_the_mail_in_arabic(client, event, commit):
    with commit():
        client.post(
            "/ar" + signup_url(event), {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    registration = Registration.objects.get()
    assert registration.language == "ar"
    assert "/ar/anmeldung/" in mail.outbox[0].body


def test_logged_in_sign_up_is_one_click_and_can_be_cancelled(client, event, user):
    client.force_login(user)
    response = client.post(signup_url(event), {"email": user.email, "party_size": "1"}, **HOST)
    assert response.status_code == 302
    assert Registration.objects.get().status == S.CONFIRMED
    html = client.get(event.url, **HOST).content.decode()
    assert "Cancel my sign-up" in html or "Anmeldung absagen" in html
    client.post(f"/veranstaltungen/{event.pk}/absagen/", **HOST)
    assert Registration.objects.get().status == S.CANCELLED


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"email": "not-an-email", "party_size": "1"}, "email"),
        ({"email": "", "party_size": "1"}, "email"),
        ({"email": "a@example.org", "party_size": "9"}, "party_size"),
        ({"email": "a@example.org", "party_size": "x"}, "party_size"),
        ({"email": "a@example.org" + "x" * 300, "party_size": "1"}, "email"),
        ({"email": "a@example.org", "party_size": "1", "name": "n" * 500}, "name"),
    ],
)
def test_bad_input_gives_a_message_and_no_record(client, event, data, expected):
    response = client.post(signup_url(event), data, **HOST)
    assert response.status_code == 400
    assert f'id="id_{expected}_error"' in response.content.decode()
    assert not Registration.objects.exists()


def test_oversized_answer_to_a_custom_question_is_refused(client, event):
    question = Question.objects.create(event=event, label="Ernährung", kind="text")
    response = client.post(
        signup_url(event),
        {"email": "a@example.org", "party_size": "1", f"q{question.pk}": "x" * 5000},
        **HOST,
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()
    response = client.post(
        signup_url(event),
        {"email": "a@example.org", "party_size": "1", f"q{question.pk}": "vegetarisch"},
        **HOST,
    )
    assert Registration.objects.get().answers == {"Ernährung": "vegetarisch"}


def test_full_event_and_duplicate_give_clear_messages(client, make_event):
    event = make_event(capacity=1, waiting_list=False)
    client.post(signup_url(event), {"email": "a@example.org"}, **HOST)
    response = client.post(signup_url(event), {"email": "a@example.org"}, **HOST)
    assert response.status_code == 400
    assert "bereits angemeldet" in response.content.decode()
    response = client.post(signup_url(event), {"email": "b@example.org"}, **HOST)
    assert "ausgebucht" in response.content.decode()
    assert Registration.objects.count() == 1


def test_closed_window_gives_a_message(client, make_event):
    event = make_event(signup_closes=in_days(-1))
    response = client.post(signup_url(event), {"email": "a@example.org"}, **HOST)
    assert response.status_code == 400
    assert "geschlossen" in response.content.decode()


def test_honeypot_drops_bots(client, event):
    response = client.post(
        signup_url(event),
        {"email": "bot@example.org", "party_size": "1", "website": "http://spam"},
        **HOST,
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_rate_limit_per_email_and_per_ip(client, make_event, settings):
    settings.EVENTS_SIGNUP_RATE_EMAIL = (2, 3600)
    events = [make_event(title=f"Treffen {i}") for i in range(3)]
    for page in events[:2]:
        assert client.post(signup_url(page), {"email": "a@example.org"}, **HOST).status_code == 302
    response = client.post(signup_url(events[2]), {"email": "a@example.org"}, **HOST)
    assert response.status_code == 400
    assert Registration.objects.count() == 2
    settings.EVENTS_SIGNUP_RATE_IP = (1, 3600)
    from django.core.cache import cache

    cache.clear()
    client.post(signup_url(events[2]), {"email": "b@example.org"}, **HOST)
    response = client.post(signup_url(events[1]), {"email": "c@example.org"}, **HOST)
    assert response.status_code == 400
    assert Registration.objects.count() == 3


@pytest.mark.parametrize("token", ["forged", "x" * 80])
def test_forged_links_give_a_message_not_an_error(client, event, token):
    for path in (f"/anmeldung/{token}/bestaetigen/", f"/anmeldung/{token}/absagen/"):
        response = client.get(path, **HOST)
        assert response.status_code == 400
        assert "nicht gültig" in response.content.decode()
    assert client.post(f"/anmeldung/{token}/absagen/", **HOST).status_code == 400


def test_nobody_can_learn_who_else_signed_up(client, event):
    client.post(signup_url(event), {"email": "secret@example.org", "name": "Geheim"}, **HOST)
    html = client.get(event.url, **HOST).content.decode()
    assert "secret@example.org" not in html and "Geheim" not in html
    # the duplicate message does not reveal anything beyond what the person typed
    response = client.post(signup_url(event), {"email": "secret@example.org"}, **HOST)
    assert "Geheim" not in response.content.decode()


def test_conference_page_with_workshop_choice(client, conference):
    html = client.get(conference.url, **HOST).content.decode()
    assert "Wohnen" in html and 'name="workshop"' in html and 'name="kind"' in html
    workshop = conference.workshops.get(title="Wohnen")
    response = client.post(
        signup_url(conference),
        {"email": "a@example.org", "kind": "press", "workshop": str(workshop.pk)},
        **HOST,
    )
    assert response.status_code == 302
    main = Registration.objects.get(parent=None)
    assert main.kind == "press"
    assert main.children.get().workshop == workshop


def test_conference_rejects_another_events_workshop(client, conference, make_event):
    other = make_event(ConferencePage, title="Andere Konferenz")
    from events.models import Workshop

    foreign = Workshop.objects.create(conference=other, title="Fremd", capacity=5)
    response = client.post(
        signup_url(conference),
        {"email": "a@example.org", "kind": "participant", "workshop": str(foreign.pk)},
        **HOST,
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_festival_helper_shift_and_contribution(client, festival):
    html = client.get(festival.url, **HOST).content.decode()
    assert "Kuchenstand" in html
    shift = festival.shifts.get(title="Kuchenstand")
    response = client.post(
        festival.url + "mithelfen/",
        {"helper-email": "h@example.org", "helper-shift": str(shift.pk)},
        **HOST,
    )
    assert response.status_code == 302
    response = client.post(
        festival.url + "beitrag/",
        {
            "contribution-email": "f@example.org",
            "contribution-contribution_kind": "dish",
            "contribution-contribution_text": "Mansaf",
        },
        **HOST,
    )
    assert response.status_code == 302
    kinds = set(Registration.objects.values_list("kind", flat=True))
    assert kinds == {"helper", "contribution"}
    response = client.post(
        festival.url + "beitrag/",
        {
            "contribution-email": "f@example.org",
            "contribution-contribution_kind": "dish",
            "contribution-contribution_text": "x" * 2000,
        },
        **HOST,
    )
    assert response.status_code == 400


def test_calendar_lists_upcoming_month_and_past_with_filters(client, calendar_page, make_event):
    make_event(title="Dialogforum", languages="de,tr")
    make_event(FestivalPage, title="Sommerfest am Kirchplatz", start=in_days(6))
    make_event(title="Rückblick", start=in_days(-10), end=in_days(-10, 18))
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert "Dialogforum" in html and "Sommerfest am Kirchplatz" in html and "Rückblick" not in html
    html = client.get(calendar_page.url + "?kind=festival", **HOST).content.decode()
    assert "Sommerfest am Kirchplatz" in html and "Dialogforum" not in html
    html = client.get(calendar_page.url + "?language=tr", **HOST).content.decode()
    assert "Dialogforum" in html and "Sommerfest am Kirchplatz" not in html
    html = client.get(calendar_page.url + "?vergangen=1", **HOST).content.decode()
    assert "Rückblick" in html and "Dialogforum" not in html
    month = in_days(5).strftime("%Y-%m")
    html = client.get(calendar_page.url + f"?ansicht=monat&monat={month}", **HOST).content.decode()
    assert "Dialogforum" in html
    assert "webcal://" in html


@pytest.mark.parametrize(
    "query",
    [
        "?ansicht=monat&monat=abc",
        "?ansicht=monat&monat=99999-99",
        "?start=gestern",
        "?action_field=x",
        "?seite=-4",
        "?start=2026-12-01&end=2026-01-01",
    ],
)
def test_calendar_bad_filters_are_not_errors(client, calendar_page, query):
    assert client.get(calendar_page.url + query, **HOST).status_code == 200


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **HOST).status_code == 200
    return len(ctx.captured_queries)


def test_calendar_queries_do_not_grow_with_the_number_of_events(client, calendar_page, settings):
    from treffpunkt.core import pagecache

    settings.PAGE_CACHE_SECONDS = 0

    def count_list() -> int:
        pagecache.content_changed()  # the year ahead is kept: have it gathered again
        return _count_queries(client, calendar_page.url)

    for i in range(3):
        add_event(calendar_page, title=f"Treffen {i}", start=in_days(2 + i))
    client.get(calendar_page.url, **HOST)  # warm caches
    few = count_list()
    for i in range(30):
        add_event(calendar_page, title=f"Mehr {i}", start=in_days(3 + i % 20))
    # publishing renews the shared chrome (menu, language links): built again once, as after
    # any publish; what must not grow is the warm page
    client.get(calendar_page.url, **HOST)
    many = count_list()
    assert many <= few
    month = in_days(5).strftime("%Y-%m")
    assert _count_queries(client, calendar_page.url + f"?ansicht=monat&monat={month}") <= few + 2


def test_event_page_queries_do_not_grow_with_registrations(client, event, settings):
    from events import registrations as engine

    settings.PAGE_CACHE_SECONDS = 0  # the page rendered each time: what must not grow
    client.get(event.url, **HOST)
    few = _count_queries(client, event.url)
    for i in range(8):
        engine.sign_up(event, email=f"x{i}@example.org")
    # the places are counted once after the sign-ups (events.places), then kept again
    client.get(event.url, **HOST)
    assert _count_queries(client, event.url) <= few


def test_ics_of_an_event(client, event):
    response = client.get(event.url + "ics/", **HOST)
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_calendar_filters_by_action_field_without_asking_for_the_fields_each_visit(
    client, calendar_page, make_event, settings
):
    """The action fields of the filter were read on every visit; they are kept with the
    chrome, the filter still works and a new field shows at once."""
    from networks.models import ActionField

    settings.PAGE_CACHE_SECONDS = 0
    language = ActionField.objects.create(name="Sprache", slug="sprache")
    tagged = make_event(title="Sprachcafé")
    tagged.action_fields.add(language)
    tagged.save_revision().publish()
    make_event(title="Sportfest")
    client.get(calendar_page.url, **HOST)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(calendar_page.url, **HOST).content.decode()
    assert f'<option value="{language.pk}">Sprache</option>' in html
    assert not [q for q in ctx.captured_queries if '"networks_actionfield"' in q["sql"]]
    html = client.get(f"{calendar_page.url}?action_field={language.pk}", **HOST).content.decode()
    assert "Sprachcafé" in html and "Sportfest" not in html
    housing = ActionField.objects.create(name="Wohnen", slug="wohnen")
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert f'<option value="{housing.pk}">Wohnen</option>' in html


def test_without_a_shared_cache_the_filter_shows_a_field_another_process_saved(
    client, calendar_page, settings
):
    """Each process keeps its own cache when there is no Redis: an action field saved by
    another process (no signal reaches this one, as with bulk_create here) shows at once."""
    from networks.models import ActionField

    settings.PAGE_CACHE_SECONDS = 0
    settings.CACHE_SHARED_BY_PROCESSES = False
    language = ActionField.objects.create(name="Sprache", slug="sprache")
    assert ">Sprache</option>" in client.get(calendar_page.url, **HOST).content.decode()
    housing = ActionField(name="Wohnen", slug="wohnen", locale_id=language.locale_id)
    ActionField.objects.bulk_create([housing])
    html = client.get(calendar_page.url, **HOST).content.decode()
    assert ">Sprache</option>" in html and ">Wohnen</option>" in html
