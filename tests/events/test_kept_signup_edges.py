"""The kept sign-up sections of event pages at their edges (issue 15): each person and language
as rendered uncached, changes shown at once, posts from a kept page, no CSRF cookie without a
form."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from events.models import Question, Registration

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}

SUBMISSION = re.compile(r'name="submission" value="([A-Za-z0-9_-]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
NONCE = re.compile(r'nonce="[^"]+"')


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _html(client, path, host=HOST, **extra) -> str:
    response = client.get(path, **host, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _section(html: str) -> str:
    start = html.index('<section id="anmeldung"')
    end = html.index('<aside class="event-facts')
    part = html[start:end]
    part = SUBMISSION.sub('name="submission" value=""', part)
    part = CSRF.sub('name="csrfmiddlewaretoken" value=""', part)
    return NONCE.sub('nonce=""', part)


def _uncached(client, path, settings, host=HOST) -> str:
    settings.CACHE_SHARED_BY_PROCESSES = False
    try:
        return _html(client, path, host)
    finally:
        settings.CACHE_SHARED_BY_PROCESSES = True


QUIRKY = [
    {"email": "q\"u&o<t>e'@example.org", "first_name": '"Sa<m>i', "last_name": "& O'Neil"},
    {"email": "plain@example.org", "first_name": "", "last_name": ""},
    {"email": "x@example.org", "first_name": " ", "last_name": ""},
    {"email": "", "first_name": "No", "last_name": "Mail"},
]


@pytest.mark.parametrize("kind", ["event", "festival", "conference"])
def test_kept_section_is_the_uncached_section_for_each_person(kind, request, make_user, settings):
    page = request.getfixturevalue(kind)
    if kind == "festival":
        page.contributions_enabled = True
        page.save_revision().publish()
    people = []
    for i, fields in enumerate(QUIRKY):
        fields = dict(fields)
        email = fields.pop("email")
        user = make_user(email or f"tmp{i}@example.org", **fields)
        if not email:
            type(user).objects.filter(pk=user.pk).update(email="")
            user.refresh_from_db()
        people.append(user)
    _html(Client(), page.url)
    for person in people:
        member = Client()
        member.force_login(person)
        warm = _html(member, page.url)  # first may compute
        warm = _html(member, page.url)  # kept
        cold = _uncached(member, page.url, settings)
        assert "\x00" not in warm
        assert _section(warm) == _section(cold), person.email
    anon = _html(Client(), page.url)
    for person in people:
        if person.email:
            assert person.email not in anon
    assert _section(anon) == _section(_uncached(Client(), page.url, settings))


def test_member_posts_from_kept_page_with_csrf_enforced(festival, make_user):
    person = make_user("amal@example.org", first_name="Amal", last_name="H")
    other = make_user("other@example.org", first_name="O", last_name="T")
    first = Client()
    first.force_login(other)
    _html(first, festival.url)  # the kept sections are made by someone else
    member = Client(enforce_csrf_checks=True)
    member.force_login(person)
    html = _html(member, festival.url)
    assert 'value="amal@example.org"' in html and "other@example.org" not in html
    data = {
        "email": "amal@example.org",
        "name": "Amal H",
        "party_size": "1",
        "submission": SUBMISSION.findall(html)[0],
        "csrfmiddlewaretoken": CSRF.findall(html)[0],
    }
    answer = member.post(festival.url + "anmelden/", data, **HOST)
    assert answer.status_code == 302, answer.status_code
    assert Registration.objects.filter(event=festival, email="amal@example.org").exists()
    # now signed up: own sign-up shown, not the kept blank form
    html = _html(member, festival.url)
    with translation.override("de"):
        cancel = translation.gettext("Cancel my sign-up")
    assert cancel in html
    # and the other still gets a blank form with their own data
    html = _html(first, festival.url)
    assert cancel not in html and 'value="other@example.org"' in html


def test_a_question_added_shows_at_once(festival, commit, settings):
    _html(Client(), festival.url)
    with commit():
        Question.objects.create(event=festival, label="Vegetarisch?", kind="yes_no")
    html = _html(Client(), festival.url)
    assert "Vegetarisch?" in html
    assert _section(html) == _section(_uncached(Client(), festival.url, settings))


def test_shift_renamed_shows_at_once(festival, commit):
    _html(Client(), festival.url)
    shift = festival.shifts.get(title="Aufbau")
    with commit():
        shift.title = "Abbau"
        shift.save()
    html = _html(Client(), festival.url)
    assert "Abbau" in html


def test_sign_up_opening_by_the_clock_shows_the_form(make_event, settings):
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    opens = timezone.now() + timedelta(hours=1)
    event = make_event(title="Später", capacity=5, signup_opens=opens)
    html = _html(Client(), event.url)
    assert 'name="email"' not in html
    with freeze_time(opens + timedelta(minutes=1)):
        html = _html(Client(), event.url)
        assert 'name="email"' in html
        assert _section(html) == _section(_uncached(Client(), event.url, settings))


def test_capacity_and_contributions_published_show_at_once(festival, settings):
    _html(Client(), festival.url)
    festival.capacity = 7
    festival.contributions_enabled = True
    festival.save_revision().publish()
    html = _html(Client(), festival.url)
    assert 'data-free="7"' in html and 'action="/fest/beitrag/"' in html.replace(
        festival.url, "/fest/"
    )
    assert _section(html) == _section(_uncached(Client(), festival.url, settings))


def test_translation_and_alias_in_another_town(festival, other_site, settings, make_user):
    from wagtail.models import Locale

    english = festival.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True
    )
    english.save_revision().publish()
    english.refresh_from_db()
    alias = festival.create_alias(parent=other_site.root_page, update_slug="fest-alias")
    borken = {"HTTP_HOST": "borken.test"}
    from urllib.parse import urlsplit

    en_path = urlsplit(english.url).path
    al_path = urlsplit(alias.url).path
    de_path = urlsplit(festival.url).path
    de = _html(Client(), de_path)
    en = _html(Client(), en_path)
    al = _html(Client(), al_path, host=borken)
    assert f'action="{de_path}anmelden/"' in de
    assert f'action="{al_path}anmelden/"' in al, re.findall(r'action="[^"]*"', al)
    assert f'action="{en_path}anmelden/"' in en, re.findall(r'action="[^"]*"', en)
    for path, html, host in ((en_path, en, HOST), (al_path, al, borken)):
        assert _section(html) == _section(_uncached(Client(), path, settings, host))
    member = Client()
    member.force_login(make_user("m@example.org", first_name="M", last_name="N"))
    al2 = _html(member, al_path, host=borken)
    assert 'value="m@example.org"' in al2 and "\x00" not in al2


def test_a_helper_form_with_errors_stays_with_its_sender(festival, make_user):
    _html(Client(), festival.url)
    sender = Client()
    sender.force_login(make_user("s@example.org", first_name="Sen", last_name="Der"))
    _html(sender, festival.url)
    wrong = sender.post(
        festival.url + "mithelfen/",
        {"helper-email": "nope", "helper-name": "Helfer Fehler", "helper-shift": "999"},
        **HOST,
    )
    assert wrong.status_code == 400 and "Helfer Fehler" in wrong.content.decode()
    other = Client()
    other.force_login(make_user("o@example.org", first_name="Oth", last_name="Er"))
    for client in (other, Client()):
        html = _html(client, festival.url)
        assert "Helfer Fehler" not in html and "s@example.org" not in html
        assert "\x00" not in html


def test_a_page_without_a_form_sets_no_csrf_cookie(make_event, settings):
    """An event page without a sign-up form (sign-up off, cancelled, not yet open, closed,
    past) sets no CSRF cookie when rendered uncached, nor from its kept sections; but the
    render that makes the kept sections (the first per page, address, language, sign-up key
    and generation) asks for the CSRF token in kept_html's compute() (8ff1b80:
    str(context["csrf_token"])), so that one answer alone gets Set-Cookie: csrftoken and
    Vary: Cookie."""
    event = make_event(title="Ohne", registration_enabled=False)
    settings.CACHE_SHARED_BY_PROCESSES = False
    uncached = Client().get(event.url, **HOST)
    settings.CACHE_SHARED_BY_PROCESSES = True
    assert "csrftoken" not in uncached.cookies
    first = Client().get(event.url, **HOST)
    second = Client().get(event.url, **HOST)
    assert "csrftoken" not in second.cookies
    assert "csrftoken" not in first.cookies, "the computing render set a CSRF cookie"


def test_questions_of_every_kind_kept_as_rendered(conference, make_user, commit, settings):
    from events import registrations as engine

    with commit():
        Question.objects.create(event=conference, label='Essen "<&>"?', kind="yes_no")
        Question.objects.create(
            event=conference, label="Sprache", kind="choice", choices="de\nar\nuk", required=True
        )
        Question.objects.create(event=conference, label="Sonst", kind="text")
        engine.sign_up(
            conference,
            email="w@example.org",
            name="W",
            workshop=conference.workshops.get(title="Wohnen"),
        )
    person = make_user('a&b"<x>@example.org', first_name="Ä'<b>", last_name="&amp;")
    member = Client()
    member.force_login(person)
    for client in (Client(), member):
        for path in (conference.url, "/ar" + conference.url, "/en" + conference.url):
            _html(client, path)
            warm = _html(client, path)
            assert "\x00" not in warm
            assert _section(warm) == _section(_uncached(client, path, settings)), path
