"""Feeds are easy to find: the calendar page's subscribe link carries its filters and
language, organisation and working-group pages offer their feed, the personal feed has
webcal, Google and Outlook links; feeds come in the requested language."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from wagtail.models import Locale

from tests.events.conftest import add_event
from tests.networks.conftest import build_network

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


def links(html: str) -> dict[str, str]:
    """The subscribe card's addresses by kind (webcal, google, outlook, feed)."""
    found = {}
    for href in re.findall(r'href="([^"]+)"', html):
        href = unescape(href)
        if href.startswith("webcal://"):
            found["webcal"] = href
        elif href.startswith("https://calendar.google.com/"):
            found["google"] = href
        elif href.startswith("https://outlook.live.com/"):
            found["outlook"] = href
    field = re.search(r'<input id="feed-[^"]+" type="url" readonly value="([^"]+)"', html)
    if field:
        found["feed"] = unescape(field.group(1))
    return found


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.hostname == "beckum.test" and "://" not in parts.path
    return parts.path + ("?" + parts.query if parts.query else "")


def test_calendar_page_subscribes_to_its_filters_in_its_language(client, site):
    from events.models import EventIndexPage

    calendar = EventIndexPage(title="Kalender", slug="kalender-seite")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    event = add_event(calendar, title="Sprachcafé", registration_enabled=False)
    english = event.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
    )
    english.title = "Language café"
    english.save_revision().publish()
    # the parents became live aliases in English (copy_parents)

    page = client.get("/en/kalender-seite/?kind=event", **HOST)
    assert page.status_code == 200
    found = links(page.content.decode())
    assert set(found) == {"webcal", "google", "outlook", "feed"}
    feed = found["feed"]
    assert found["webcal"] == "webcal://" + feed.removeprefix("http://")
    assert parse_qs(urlsplit(feed).query) == {"kind": ["event"], "lang": ["en"]}
    assert parse_qs(urlsplit(found["google"]).query) == {"cid": [found["webcal"]]}
    assert parse_qs(urlsplit(found["outlook"]).query)["url"] == [feed]

    body = client.get(local_path(feed), **HOST).content
    cal = icalendar.Calendar.from_ical(body)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Language café"]
    assert str(cal["X-WR-CALNAME"]) == "Beckum – Event"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["URL"]).startswith("http://beckum.test/en/")
    # the same event, the same UID, in German
    german = icalendar.Calendar.from_ical(client.get("/kalender.ics", **HOST).content)
    assert [str(e["SUMMARY"]) for e in german.walk("VEVENT")] == ["Sprachcafé"]
    assert german.walk("VEVENT")[0]["UID"] == vevent["UID"]
    # a language the site does not speak, or a broken filter: the German feed, no error
    assert client.get("/kalender.ics?lang=xx&kind=zzz", **HOST).status_code == 200


def test_organisation_and_working_group_pages_offer_their_feeds(client, site):
    network = build_network(site)
    pages = [
        (
            f"{network.directory.url}{network.caritas.slug}/",
            f"/kalender/organisation/{network.caritas.pk}.ics",
        ),
        (network.group.url, f"/kalender/arbeitsgruppe/{network.group.pk}.ics"),
    ]
    for page_url, feed_path in pages:
        page = client.get(urlsplit(page_url).path, **HOST)
        assert page.status_code == 200, page_url
        found = links(page.content.decode())
        assert local_path(found["feed"]) == feed_path, page_url
        assert found["webcal"] == "webcal://beckum.test" + feed_path
        response = client.get(feed_path, **HOST)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")


def test_personal_feed_has_webcal_google_outlook_and_reset(client, site, make_user):
    user = make_user("person@example.org")
    client.force_login(user)
    from django.urls import reverse

    page = client.get(reverse("plugins:meetings:preferences"), **HOST)
    assert page.status_code == 200
    html = page.content.decode()
    found = links(html)
    assert set(found) == {"webcal", "google", "outlook", "feed"}
    assert 'name="reset_feed"' in html
    feed = client.get(local_path(found["feed"]), **HOST)
    assert feed.status_code == 200 and feed["Cache-Control"] == "private, no-store"


def all_links(html: str) -> list[dict[str, str]]:
    """Every subscribe card of a page, in page order."""
    cards = re.findall(r'<section class="[^"]*subscribe".*?</section>', html, re.S)
    return [links(card) | {"html": card} for card in cards]


def test_network_page_offers_each_action_fields_feed_in_the_visitors_language(client, site):
    from events.models import EventIndexPage
    from networks.models import ActionField

    network = build_network(site)
    calendar = EventIndexPage(title="Kalender", slug="kalender-seite")
    site.root_page.add_child(instance=calendar)
    calendar.save_revision().publish()
    housing_event = add_event(calendar, title="Wohnungsbörse", registration_enabled=False)
    housing_event.action_fields.add(network.housing)
    housing_event.save_revision().publish()
    add_event(calendar, title="Sprachcafé", registration_enabled=False)
    english = Locale.objects.get_or_create(language_code="en")[0]
    housing_en = network.housing.copy_for_translation(english)
    housing_en.name = "Housing"
    housing_en.save()

    page = client.get(urlsplit(network.page.url).path, **HOST)
    assert page.status_code == 200
    cards = {local_path(card["feed"]): card for card in all_links(page.content.decode())}
    housing_path = f"/kalender/handlungsfeld/{network.housing.pk}.ics"
    language_path = f"/kalender/handlungsfeld/{network.language.pk}.ics"
    assert {housing_path, language_path} <= set(cards)
    housing = cards[housing_path]
    assert "Kalender: Wohnen" in housing["html"]
    assert housing["webcal"] == "webcal://beckum.test" + housing_path
    assert parse_qs(urlsplit(housing["google"]).query) == {"cid": [housing["webcal"]]}
    feed = icalendar.Calendar.from_ical(client.get(housing_path, **HOST).content)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Wohnungsbörse"]
    assert str(feed["X-WR-CALNAME"]) == "Beckum – Wohnen"

    # in English: the card names the field in English, the feed is asked for in English
    page = client.get("/en" + urlsplit(network.page.url).path, **HOST)
    assert page.status_code == 200
    english_cards = {urlsplit(card["feed"]).path: card for card in all_links(page.content.decode())}
    card = english_cards[housing_path]
    assert "Calendar: Housing" in card["html"]
    assert parse_qs(urlsplit(card["feed"]).query) == {"lang": ["en"]}
    feed = icalendar.Calendar.from_ical(client.get(local_path(card["feed"]), **HOST).content)
    assert str(feed["X-WR-CALNAME"]) == "Beckum – Housing"
    assert ActionField.objects.filter(translation_key=network.housing.translation_key).count() == 2
