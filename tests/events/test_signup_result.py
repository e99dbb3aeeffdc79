"""Sign-up on a phone: the answer to the form shows the result where the form was and nothing
left to fill in; the confirmed page offers add-to-calendar and cancel; the form's help text
promises only what is sent."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from events.models import Registration

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
S = Registration.Status


def _section(html: str) -> str:
    start = html.index('<section id="anmeldung"')
    return html[start : html.index("</section>", start)]


def test_the_answer_shows_the_result_in_place_of_the_form(client, event, commit):
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    assert response.status_code == 302 and response["Location"].endswith("#anmeldung")
    html = client.get(response["Location"], **HOST).content.decode()
    section = _section(html)
    assert 'class="signup-result" role="status"' in section
    assert "Bitte sehen Sie in Ihre E-Mails" in section  # "Check your email"
    assert "<form" not in section and 'name="email"' not in html
    # not twice: the message is not also at the page's top
    assert html.count("Fast geschafft") == 1
    # the next visit shows the form again (for another person)
    assert 'name="email"' in client.get(event.url, **HOST).content.decode()


def test_confirmed_page_offers_calendar_and_cancel(client, event, commit):
    with commit():
        client.post(
            event.url + "anmelden/", {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/bestaetigen/" in line)
    with commit():
        response = client.post(link.replace("http://beckum.test", ""), **HOST)
    html = response.content.decode()
    registration = Registration.objects.get()
    assert registration.status == S.CONFIRMED
    assert f'href="/kalender/veranstaltung/{event.pk}.ics"' in html
    assert "https://calendar.google.com/calendar/render?" in html
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
    assert f'href="/anmeldung/{registration.token}/absagen/"' in html
    assert client.get(f"/kalender/veranstaltung/{event.pk}.ics", **HOST).status_code == 200


def test_no_language_promises_a_ticket(client, event):
    for prefix in ("", "/en", "/ar", "/uk", "/tr"):
        html = client.get(prefix + event.url, **HOST).content.decode()
        assert not re.search(r"ticket|Ticket|تذكرة|квиток|bilet", html), prefix
