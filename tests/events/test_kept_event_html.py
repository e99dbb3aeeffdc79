"""The parts of an event page that are the same for every visitor (its header, text,
programme, facts and speakers) are rendered once per page, address and chrome generation and
kept (``kept_chrome`` blocks in events/templates, issue 15); what depends on the visitor or
on the sign-ups (the form, the places left, the organisers' link to the registrations) is
rendered on every answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from events.models import ProgrammeItem, Registration, Speaker

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _html(client, path, **extra) -> str:
    response = client.get(path, **HOST, **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_the_programme_and_facts_are_rendered_once_and_shown_alike(client, festival):
    ProgrammeItem.objects.create(event=festival, title="Eröffnung", starts="14:00")
    first = _html(client, festival.url)
    second, rendered = _rendered_templates(client, festival.url)
    assert "events/includes/programme.html" not in rendered
    assert "includes/map_links.html" not in rendered
    # the same page, but for the per-answer CSRF token and nonce
    assert "Eröffnung" in second and "Begegnungsfest" in second
    assert first.count("programme__list") == second.count("programme__list") == 1


def test_a_published_change_shows_at_once(client, festival):
    _html(client, festival.url)
    festival.title = "Fest der Begegnung"
    festival.cancelled = True
    festival.save_revision().publish()
    html = _html(client, festival.url)
    assert "Fest der Begegnung" in html
    assert "badge--cancelled" in html


def test_the_registrations_link_is_only_for_who_may_manage(client, festival, staff):
    link = f"/veranstaltungen/{festival.pk}/anmeldungen/"
    assert link not in _html(client, festival.url)
    manager = Client()
    manager.force_login(staff)
    assert link in _html(manager, festival.url)
    # and the manager's answer left nothing behind for the next visitor
    assert link not in _html(Client(), festival.url)


def test_each_language_and_host_has_its_own_copy(client, festival, settings):
    settings.ALLOWED_HOSTS = ["beckum.test", "www.beckum.test"]
    german = _html(client, festival.url)
    arabic = _html(client, "/ar" + festival.url)
    assert '<html lang="ar" dir="rtl">' in arabic and "مهرجان" in arabic
    assert "/ar" + festival.url + "ics/" in arabic
    assert "/ar" + festival.url + "ics/" not in german
    # the Google Calendar link names the address the visitor used
    other = client.get(festival.url, HTTP_HOST="www.beckum.test").content.decode()
    assert "www.beckum.test" in other and "www.beckum.test" not in german


def test_the_places_left_are_never_kept(client, conference, commit):
    from events.models import Workshop

    wohnen = Workshop.objects.get(conference=conference, title="Wohnen")
    assert "1 place left" in _html(client, "/en" + conference.url)
    with commit():
        response = client.post(
            conference.url + "anmelden/",
            {"email": "nour@example.org", "kind": "participant", "workshop": str(wohnen.pk)},
            **HOST,
        )
    assert response.status_code == 302
    html = _html(Client(), "/en" + conference.url)
    assert "Full: waiting list" in html


def test_the_speakers_follow_a_change(client, conference):
    speaker = Speaker.objects.create(name="Dr. Leyla Demir")
    ProgrammeItem.objects.create(event=conference, title="Vortrag", starts="10:00", speaker=speaker)
    conference.save_revision().publish()
    assert "Dr. Leyla Demir" in _html(client, conference.url)
    speaker.name = "Prof. Leyla Demir"
    speaker.save()
    html = _html(client, conference.url)
    assert "Prof. Leyla Demir" in html and "Dr. Leyla Demir" not in html


def test_an_image_replaced_shows_at_once(client, festival, settings, tmp_path):
    """The kept header shows the page's image by its rendition's address; an editor who
    replaces the file (Wagtail deletes the old renditions) must not leave a broken image."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = str(tmp_path)
    image = Image.objects.create(title="Fest", file=get_test_image_file("fest.png"))
    festival.image = image
    festival.save_revision().publish()
    before = _html(client, festival.url)
    old = image.get_rendition("fill-960x480").url
    assert old in before
    image.file = get_test_image_file("fest-neu.png", colour="red")
    image.save()
    image.renditions.all().delete()
    after = _html(client, festival.url)
    assert old not in after
    assert image.get_rendition("fill-960x480").url in after


def test_renditions_purged_leave_no_broken_image(client, festival, settings, tmp_path):
    """``wagtail_update_image_renditions --purge-only`` deletes every rendition (and, by a
    task, its file): the kept header must not go on pointing at the old file."""
    from django.core.management import call_command
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = str(tmp_path)
    festival.image = Image.objects.create(title="Fest", file=get_test_image_file("fest.png"))
    festival.save_revision().publish()
    old = festival.image.get_rendition("fill-960x480").url
    assert old in _html(client, festival.url)
    call_command("wagtail_update_image_renditions", "--purge-only", verbosity=0)
    after = _html(client, festival.url)
    assert old not in after
    assert festival.image.get_rendition("fill-960x480").url in after


def test_without_a_shared_cache_the_pages_content_is_rendered_every_time(
    client, festival, settings
):
    """Without Redis each process has its own chrome generation: a page published by the
    worker (scheduled publishing) or another process would renew that process's only, and
    this one would go on showing the old programme. Its content is then never kept."""
    from django.template import base

    settings.CACHE_SHARED_BY_PROCESSES = False
    ProgrammeItem.objects.create(event=festival, title="Eröffnung", starts="14:00")
    _html(client, festival.url)
    rendered = []
    original = base.Template.render

    def spy(self, context):
        rendered.append(self.origin.template_name)
        return original(self, context)

    base.Template.render = spy
    try:
        html = _html(client, festival.url)
    finally:
        base.Template.render = original
    assert "events/includes/programme.html" in rendered
    assert "Eröffnung" in html


def test_each_shift_shows_the_helpers_it_still_needs(client, festival, commit):
    """Each helper shift is listed once with its own count, and a helper signed up counts
    at once (the counts are never kept)."""
    html = _html(client, "/en" + festival.url)
    assert html.count("helpers still needed") + html.count("helper still needed") == 2
    assert "2 helpers still needed" in html and "1 helper still needed" in html
    shift = festival.shifts.get(title="Kuchenstand")
    with commit():
        response = client.post(
            festival.url + "mithelfen/",
            {"helper-email": "h@example.org", "helper-shift": str(shift.pk)},
            **HOST,
        )
    assert response.status_code == 302
    html = _html(Client(), "/en" + festival.url)
    assert "2 helpers still needed" in html and "0 helpers still needed" in html


SUBMISSION = re.compile(r'name="submission" value="([A-Za-z0-9_-]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
NONCE = re.compile(r'nonce="[^"]+"')
SIGNUP = "events/includes/signup.html"


def _rendered_templates(client, path) -> tuple[str, list[str]]:
    from django.template import base

    rendered = []
    original = base.Template.render

    def spy(self, context):
        rendered.append(self.origin.template_name)
        return original(self, context)

    base.Template.render = spy
    try:
        return _html(client, path), rendered
    finally:
        base.Template.render = original


def _without_tokens(html: str) -> str:
    html = SUBMISSION.sub('name="submission" value=""', html)
    return NONCE.sub('nonce=""', CSRF.sub('name="csrfmiddlewaretoken" value=""', html))


def test_the_sign_up_forms_are_kept_for_visitors_not_signed_in_with_tokens_of_their_own(
    festival,
):
    """A warm festival page renders none of its sign-up, helper and contribution forms for a
    visitor who is not signed in, shows them exactly as rendered, and gives each visitor
    and each form new tokens; the kept page's form signs up."""
    festival.contributions_enabled = True
    festival.save_revision().publish()
    first, _ = _rendered_templates(Client(), festival.url)
    visitor = Client(enforce_csrf_checks=True)
    second, rendered = _rendered_templates(visitor, festival.url)
    assert SIGNUP not in rendered and "includes/form.html" not in rendered
    assert _without_tokens(first) == _without_tokens(second)
    tokens = SUBMISSION.findall(first) + SUBMISSION.findall(second)
    assert len(tokens) == 6 and len(set(tokens)) == 6
    assert len(CSRF.findall(second)) == 3 and "\x00" not in second

    data = {
        "email": "nour@example.org",
        "name": "Nour",
        "party_size": "1",
        "submission": SUBMISSION.findall(second)[0],
        "csrfmiddlewaretoken": CSRF.findall(second)[0],
    }
    answer = visitor.post(festival.url + "anmelden/", data, **HOST)
    assert answer.status_code == 302
    assert Registration.objects.filter(event=festival, email="nour@example.org").exists()


def test_a_sign_up_shows_in_the_kept_places_at_once(client, conference, commit):
    from django.utils.translation import gettext, ngettext, override

    from events import registrations as engine

    with override("de"):
        one_left = ngettext("%(n)s place left", "%(n)s places left", 1) % {"n": 1}
        full = gettext("Full: waiting list")
    html = _html(Client(), conference.url)
    assert 'data-free="100"' in html and one_left in html  # the workshop "Wohnen"
    wohnen = conference.workshops.get(title="Wohnen")
    with commit():
        engine.sign_up(conference, email="a@example.org", name="A", workshop=wohnen)
    html = _html(Client(), conference.url)
    assert 'data-free="99"' in html and one_left not in html and full in html


def test_a_signed_in_person_gets_the_kept_forms_with_their_own_address_and_name(
    festival, make_user
):
    """Signed-in people share the kept sections too ("Sign up now"), each with their own
    address and name in the form; none of it reaches the next person or a visitor."""
    people = [
        make_user("amal@example.org", first_name="Amal", last_name="Haddad"),
        make_user("o'neill+fest@example.org", first_name="", last_name=""),
    ]
    pages = []
    for person in people:
        member = Client()
        member.force_login(person)
        html, rendered = _rendered_templates(member, festival.url)
        pages.append((html, rendered))
    first, second = pages[0][0], pages[1][0]
    assert SIGNUP not in pages[1][1]  # the second person's came from the kept sections
    assert 'value="amal@example.org"' in first and 'value="Amal Haddad"' in first
    assert 'value="o&#x27;neill+fest@example.org"' in second
    assert "amal@example.org" not in second and "Amal Haddad" not in second
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', second).group(0)
    assert "value=" not in name_input  # no name: no value, as Django renders it
    assert "\x00" not in first + second
    with translation.override("de"):
        now, plain = gettext("Sign up now"), gettext("Sign up")
    assert now in first and now in second
    visitor = _html(Client(), festival.url)
    assert "amal@example.org" not in visitor and now not in visitor and plain in visitor


def test_the_kept_form_is_the_form_django_renders_for_the_person(festival, make_user, rf):
    """The kept form filled for a person is, byte for byte, the form rendered for them."""
    from events.forms import SignupForm, fill_person
    from treffpunkt.core.formhtml import render_fields

    for person in (
        make_user("amal@example.org", first_name="Amal", last_name="<Haddad>"),
        make_user("leer@example.org", first_name="", last_name=""),
    ):
        own = render_fields(SignupForm(event=festival, user=person))
        kept = fill_person(str(render_fields(SignupForm.marked(festival))), person)
        assert kept == str(own)


def test_a_form_with_errors_and_an_own_sign_up_are_never_kept(festival, make_user, commit):
    """A form sent with a mistake shows what was sent, and a person signed up sees their
    sign-up: neither is kept for the next visitor, who gets blank forms."""
    from events import registrations as engine

    _html(Client(), festival.url)  # the blank forms, kept
    sender = Client()
    token = SUBMISSION.findall(_html(sender, festival.url))[0]
    wrong = sender.post(
        festival.url + "anmelden/",
        {"email": "nicht-gueltig", "name": "Sami Fehler", "submission": token},
        **HOST,
    )
    assert wrong.status_code == 400 and "Sami Fehler" in wrong.content.decode()
    person = make_user("dabei@example.org")
    with commit():
        engine.sign_up(festival, email=person.email, name="Dabei", user=person)
    member = Client()
    member.force_login(person)
    with translation.override("de"):
        cancel = gettext("Cancel my sign-up")
    assert cancel in _html(member, festival.url)
    html = _html(Client(), festival.url)
    assert "Sami Fehler" not in html and cancel not in html


def test_tokens_written_another_way_are_never_kept(rf):
    from treffpunkt.core.templatetags.treffpunkt_tags import _filled_tokens, _marked_tokens

    form = '<input name="csrfmiddlewaretoken" value="abc123"><input name="submission" value="x-1">'
    marked = _marked_tokens(form)
    assert "abc123" not in marked and "x-1" not in marked
    request = rf.get("/")
    filled = _filled_tokens(marked + marked, request)
    values = SUBMISSION.findall(filled)
    assert len(values) == 2 and values[0] != values[1]
    assert len(set(CSRF.findall(filled))) >= 1 and "\x00" not in filled
    assert _marked_tokens("<p>csrfmiddlewaretoken</p>") is None
    assert _marked_tokens('<div data-csrf="tok123">', "tok123") is None
    assert _marked_tokens("<input value='tok' name='submission'>") is None
