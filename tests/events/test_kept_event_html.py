"""The parts of an event page that are the same for every visitor (its header, text,
programme, facts and speakers) are rendered once per page, address and chrome generation and
kept (``kept_chrome`` blocks in events/templates, issue 15); what depends on the visitor or
on the sign-ups (the form, the places left, the organisers' link to the registrations) is
rendered on every answer."""

from __future__ import annotations

import pytest
from django.test import Client

from events.models import ProgrammeItem, Speaker

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
    from django.template import base

    ProgrammeItem.objects.create(event=festival, title="Eröffnung", starts="14:00")
    first = _html(client, festival.url)
    rendered = []
    original = base.Template.render

    def spy(self, context):
        rendered.append(self.origin.template_name)
        return original(self, context)

    base.Template.render = spy
    try:
        second = _html(client, festival.url)
    finally:
        base.Template.render = original
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
