"""Sign-up on a phone: the answer to the form is a small page of its result (held / waiting /
check your mail / refused) with nothing left to fill in, reached by a signed token that names
nobody and cheap to render; the confirmed page offers add-to-calendar and cancel; the form's help text
promises only what is sent."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.translation import gettext, override

from events.models import Registration

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}
S = Registration.Status
#: the page after a sign-up, measured (the aim is 6): Wagtail's routing to the event (locale,
#: five page rows, its view restrictions), the registration; the chrome (menu, language
#: links, plugin states) comes from the cache on a warm process. 27 as the whole event page,
#: 16 before the chrome was cached.
RESULT_BUDGET = 12


def _section(html: str) -> str:
    start = html.index('<section id="anmeldung"')
    return html[start : html.index("</section>", start)]


RESULT = re.compile(r"/anmeldung/ergebnis/([^/]+)/$")


def _sign(value: str, salt: str = "events.signup-result") -> str:
    return signing.TimestampSigner(salt=salt).sign(value).replace(":", "-")


def test_the_answer_is_a_small_result_page(client, event, commit):
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(event.url) and RESULT.search(location), location
    result = client.get(location, **HOST)
    assert result.status_code == 200
    assert "private" in result["Cache-Control"] or "no-cache" in result["Cache-Control"]
    html = result.content.decode()
    section = _section(html)
    assert 'class="signup-result" role="status"' in section
    assert "Bitte sehen Sie in Ihre E-Mails" in section  # "Check your email"
    assert "<form" not in section and 'name="email"' not in html
    assert html.count("Fast geschafft") == 1  # once, not also at the page's top
    # the event's title, date and place, a way back and the calendar file
    assert "Begegnungscafé" in html
    assert f'href="{event.url}"' in html
    assert f'href="/kalender/veranstaltung/{event.pk}.ics"' in html
    assert "https://calendar.google.com/calendar/render?" in html
    assert '<meta name="robots" content="noindex">' in html
    # the next visit of the event shows the form again (for another person)
    assert 'name="email"' in client.get(event.url, **HOST).content.decode()


def test_the_token_names_nobody(client, event, commit):
    with commit():
        response = client.post(
            event.url + "anmelden/",
            {"email": "nour.secret@example.org", "name": "Nour Geheim", "party_size": "1"},
            **HOST,
        )
    token = RESULT.search(response["Location"]).group(1)
    payload = token.split("-")[0]  # the signed value; then the time and the signature
    registration = Registration.objects.get()
    assert payload == f"{registration.public_id.hex}_held"
    for personal in ("nour", "Geheim", "example.org", registration.token):
        assert personal not in payload and personal not in response["Location"]


def test_each_result_in_the_visitors_language(client, make_event, commit):
    event = make_event(title="Sprachcafé", capacity=1, waiting_list=True)
    with commit():
        client.post(
            "/ar" + event.url + "anmelden/", {"email": "a@example.org", "party_size": "1"}, **HOST
        )
    with commit():
        response = client.post(
            "/ar" + event.url + "anmelden/", {"email": "b@example.org", "party_size": "1"}, **HOST
        )
    location = response["Location"]
    assert location.startswith("/ar" + event.url)
    html = client.get(location, **HOST).content.decode()
    assert 'dir="rtl"' in html
    with override("ar"):
        expected = gettext(
            "The event is fully booked. Please confirm the link in our email to join the waiting list."
        )
    assert escape(expected) in html
    assert 'href="/ar' + event.url + '"' in html


def test_a_refused_sign_up_says_so(client, make_event, commit):
    event = make_event(title="Sprachcafé", capacity=5)
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": "a@example.org", "party_size": "1"}, **HOST
        )
    Registration.objects.update(status=S.DECLINED)
    html = client.get(response["Location"], **HOST).content.decode()
    assert "signup-result-page--refused" in html
    assert "Die Anmeldung wurde nicht angenommen oder abgesagt" in html
    assert "Fast geschafft" not in html


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "x" * 80,
        "0" * 32 + "_held-1vQ-abc",
        "%3Cscript%3E",
    ],
)
def test_a_forged_token_is_a_friendly_404(client, event, token):
    response = client.get(f"{event.url}anmeldung/ergebnis/{token}/", **HOST)
    assert response.status_code == 404
    assert "<html" in response.content.decode()  # the site's page, not a bare error


def test_an_expired_token_or_another_events_is_a_404(client, make_event, commit, settings):
    first, second = make_event(title="Eins"), make_event(title="Zwei")
    with commit():
        response = client.post(
            first.url + "anmelden/", {"email": "a@example.org", "party_size": "1"}, **HOST
        )
    token = RESULT.search(response["Location"]).group(1)
    assert client.get(f"{second.url}anmeldung/ergebnis/{token}/", **HOST).status_code == 404
    # signed with another salt (another kind of link) or tampered: nothing
    public_id = Registration.objects.get().public_id.hex
    other = _sign(f"{public_id}_held", salt="something-else")
    assert client.get(f"{first.url}anmeldung/ergebnis/{other}/", **HOST).status_code == 404
    wrong_kind = _sign(f"{public_id}_admin")
    assert client.get(f"{first.url}anmeldung/ergebnis/{wrong_kind}/", **HOST).status_code == 404
    right = _sign(f"{public_id}_held")
    assert client.get(f"{first.url}anmeldung/ergebnis/{right}/", **HOST).status_code == 200
    assert client.get(f"{first.url}anmeldung/ergebnis/{wrong_kind}/", **HOST).status_code == 404
    # a week later
    import time

    real = time.time
    try:
        time.time = lambda: real() + 8 * 24 * 3600
        assert client.get(response["Location"], **HOST).status_code == 404
    finally:
        time.time = real
    assert client.get(response["Location"], **HOST).status_code == 200


def test_the_result_page_costs_few_queries(client, event, commit):
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    client.get(response["Location"], **HOST)  # a warm process
    with CaptureQueriesContext(connection) as queries:
        assert client.get(response["Location"], **HOST).status_code == 200
    assert len(queries) <= RESULT_BUDGET, [q["sql"] for q in queries.captured_queries]


def test_a_member_can_cancel_from_the_result(client, event, commit, user):
    client.force_login(user)
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": user.email, "party_size": "1"}, **HOST
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(response["Location"], **HOST).content.decode()
    assert f'action="/veranstaltungen/{event.pk}/absagen/"' in html
    # another visitor with the same link sees the result but no cancel button
    from django.test import Client

    stranger = Client().get(response["Location"], **HOST).content.decode()
    assert 'class="signup-result"' in stranger and "/absagen/" not in stranger


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


def _sign_up(event, email: str, prefix: str = "") -> str:
    from django.test import Client

    response = Client().post(
        prefix + event.url + "anmelden/", {"email": email, "party_size": "1"}, **HOST
    )
    assert response.status_code == 302
    return response["Location"]


def test_visitors_share_one_rendered_result_page_with_their_own_links(event, commit, settings, rf):
    """The page after a sign-up is rendered once per event, language and outcome for everyone
    not logged in (issue 15), each visitor still gets links with their own token, and nothing
    is stored under a visitor's own address."""
    from django.core.cache import cache
    from django.test import Client

    from treffpunkt.core import pagecache

    settings.PAGE_CACHE_SECONDS = 60
    Client().get(event.url, **HOST)  # first visits make the site's settings rows
    cache.clear()
    with commit():
        first, second = _sign_up(event, "a@example.org"), _sign_up(event, "b@example.org")
    answer = Client().get(first, **HOST)
    assert answer["X-Page-Cache"] == "miss"
    again = Client().get(second, **HOST)
    assert again["X-Page-Cache"] == "hit"
    assert "private" in again["Cache-Control"]  # never kept by a proxy or the browser
    html = again.content.decode()
    mine, theirs = RESULT.search(second).group(1), RESULT.search(first).group(1)
    assert theirs not in html  # the first visitor's token is never shown to the second
    assert html.count(mine) >= 5  # the language links lead to this visitor's own result
    assert f"/sprache/en/?next=/en{second}" in html
    assert "\x00" not in html
    nonces = re.compile(r'nonce="[^"]+"')
    assert nonces.sub("", html.replace(mine, theirs)) == nonces.sub("", answer.content.decode())
    assert nonces.search(html)[0] != nonces.search(answer.content.decode())[0]  # a fresh one
    # the same page, not stored again under each visitor's address
    for location in (first, second):
        assert cache.get(pagecache._key(rf.get(location, **HOST))) is None


def test_a_shared_result_page_follows_outcome_language_and_edits(event, commit, settings):
    from django.core.cache import cache
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    with commit():
        german, english = _sign_up(event, "a@example.org"), _sign_up(event, "b@example.org", "/en")
    assert "Fast geschafft" in Client().get(german, **HOST).content.decode()
    english_html = Client().get(english, **HOST).content.decode()
    assert "Fast geschafft" not in english_html and 'lang="en"' in english_html
    # the outcome changes: the same link now says so, not the stored "almost done"
    Registration.objects.filter(email="a@example.org").update(status=S.DECLINED)
    html = Client().get(german, **HOST).content.decode()
    assert "signup-result-page--refused" in html and "Fast geschafft" not in html
    # the event is renamed and published: the page shows the new title
    event.title = "Begegnungscafé im Park"
    with commit():
        event.save_revision().publish()
    with commit():
        third = _sign_up(event, "c@example.org")
    assert "Begegnungscafé im Park" in Client().get(third, **HOST).content.decode()


def test_a_members_result_page_is_their_own(client, event, commit, user, settings):
    """A member's page has their cancel button and is never taken from or put into the
    shared answer."""
    from django.core.cache import cache
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    with commit():
        stranger = _sign_up(event, "a@example.org")
    Client().get(stranger, **HOST)  # the shared answer is stored
    client.force_login(user)
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": user.email, "party_size": "1"}, **HOST
        )
    own = client.get(response["Location"], **HOST)
    assert "X-Page-Cache" not in own
    assert f'action="/veranstaltungen/{event.pk}/absagen/"' in own.content.decode()
    assert "/absagen/" not in Client().get(stranger, **HOST).content.decode()


def test_the_result_pages_language_links_are_never_kept(client, event, commit, settings):
    """The chrome's HTML is kept per address, but a result page's address carries a token
    (one per visitor): its language links and menu are rendered, never kept (issue 15)."""
    settings.PAGE_CACHE_SECONDS = 0
    with commit():
        response = client.post(
            event.url + "anmelden/", {"email": "nour@example.org", "party_size": "1"}, **HOST
        )
    for _ in range(2):
        result = client.get(response["Location"], **HOST)
        rendered = {t.name for t in result.templates}
        assert "includes/language_switcher.html" in rendered
    assert "includes/footer.html" not in rendered  # the same for every address: kept


def test_a_views_own_address_below_an_event_keeps_nothing(client, event, make_user):
    """A view of its own that shows the event page (a ticket's check-in address, any code
    in it) renders the per-address chrome every time: nothing is kept per code (issue 15)."""
    from treffpunkt.core import chrome

    client.force_login(make_user("orga@example.org", is_staff=True, is_superuser=True))
    for code in ("AAAA-BBBB-CCCC", "XXXX-YYYY-ZZZZ"):
        answer = client.get(f"/veranstaltungen/{event.pk}/anmeldungen/ticket/{code}/", **HOST)
        assert answer.status_code == 404
        assert "includes/language_switcher.html" in {t.name for t in answer.templates}
        assert not [key for key in chrome._local if code in key]  # noqa: SLF001
