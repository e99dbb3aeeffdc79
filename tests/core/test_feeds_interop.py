"""Every feed and mail of the demo, read as calendar apps and mail programs read them.

Each feed is parsed by icalendar, vobject and recurring-ical-events; its lines end in CRLF
and are folded at 75 octets without splitting a UTF-8 character; every TZID has its
VTIMEZONE; UIDs are unique (one master per UID, one override per RECURRENCE-ID) and carry
the site's domain. Every URL in every feed and newsletter mail has one scheme, and links to
the site have its host and port (issue 12, finding 4: a doubled origin
``http://localhost:8000http://localhost:8000/…`` on a multi-site install).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

pytestmark = pytest.mark.django_db(transaction=True)
URL_RE = re.compile(r"(?:https?|webcal)://[^\s<>\"'\\)]+")
PORT = 8000


@pytest.fixture
def demo(transactional_db):
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    return demo.load(port=PORT)


def feed_paths(site: Site) -> list[tuple[str, bool]]:
    """Every feed of the site, and whether it must answer (a restricted working group's
    or event's public feed is a 404)."""
    from django.contrib.auth import get_user_model

    from events.models import EventPage
    from networks.models import ActionField, Organisation, WorkingGroupPage
    from plugins.meetings.models import FeedToken

    paths = [("/kalender.ics", True)]
    paths += [(f"/kalender/handlungsfeld/{f.pk}.ics", True) for f in ActionField.objects.all()]
    paths += [(f"/kalender/organisation/{o.pk}.ics", True) for o in Organisation.objects.all()]
    paths += [
        (f"/kalender/arbeitsgruppe/{g.pk}.ics", False)
        for g in WorkingGroupPage.objects.live().in_site(site)
    ]
    for user in get_user_model().objects.filter(is_active=True):
        token = FeedToken.for_user(user).token
        paths.append((reverse("plugins:meetings:feed", args=[token]), True))
    paths += [
        (f"/kalender/veranstaltung/{e.pk}.ics", False)
        for e in EventPage.objects.live().in_site(site)
    ]
    return paths


def check_lines(body: bytes, where: str) -> None:
    assert body.endswith(b"\r\n"), where
    lines = body.split(b"\r\n")[:-1]
    for number, line in enumerate(lines):
        assert b"\n" not in line and b"\r" not in line, (where, number)
        assert len(line) <= 75, (where, number, line)
        line.decode("utf-8")  # a folded line never splits a character


def check_uids_and_timezones(cal: icalendar.Calendar, host: str, where: str) -> set[str]:
    seen = set()
    tzids = set()
    for event in cal.walk("VEVENT"):
        rid = event.get("RECURRENCE-ID")
        uid = str(event["UID"])
        key = (uid, rid.to_ical() if rid is not None else None)
        assert key not in seen, (where, key)
        seen.add(key)
        assert uid.endswith("@" + host), (where, uid)
        for prop in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE"):
            values = event.get(prop)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and "TZID" in value.params:
                    tzids.add(str(value.params["TZID"]))
        if "URL" in event:
            url = urlsplit(str(event["URL"]))
            assert (url.hostname, url.port) == (host, PORT), (where, str(event["URL"]))
    assert tzids <= {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}, where
    return {uid for uid, _rid in seen}


def check_urls(text: str, hosts: set[str], where: str) -> int:
    """One scheme per URL; a link to one of the demo's sites has the served port."""
    found = URL_RE.findall(text)
    for url in found:
        assert url.count("://") == 1, (where, url)
        parts = urlsplit(url)
        if parts.hostname in hosts:
            assert parts.port == PORT, (where, url)
    return len(found)


def unfolded(body: bytes) -> str:
    return body.decode().replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")


def test_every_feed_of_the_demo_reads_in_three_libraries(demo):
    client = Client()
    now = dt.datetime.now(dt.UTC)
    hosts = set(Site.objects.values_list("hostname", flat=True))
    checked = urls = 0
    uids_per_site: dict[str, set[str]] = {}
    for site in Site.objects.all():
        for path, must_answer in feed_paths(site):
            where = f"{site.hostname}{path}"
            response = client.get(path, HTTP_HOST=f"{site.hostname}:{site.port}")
            if response.status_code == 404 and not must_answer:
                continue
            assert response.status_code == 200, where
            body = response.content
            check_lines(body, where)
            cal = icalendar.Calendar.from_ical(body)
            vobject.readOne(body.decode())
            recurring_ical_events.of(cal).between(
                now - dt.timedelta(days=400), now + dt.timedelta(days=400)
            )
            uids_per_site.setdefault(site.hostname, set()).update(
                check_uids_and_timezones(cal, site.hostname, where)
            )
            assert cal["X-PUBLISHED-TTL"].to_ical() == b"PT6H", where
            assert cal["REFRESH-INTERVAL"].to_ical() == b"PT6H", where
            urls += check_urls(unfolded(body), hosts, where)
            checked += 1
    assert checked >= 10 and urls >= 10
    # the two towns never share a UID
    beckum, borken = (uids_per_site.get(h, set()) for h in ("localhost", "borken.localhost"))
    assert beckum and borken and not beckum & borken


def test_every_newsletter_mail_of_the_demo_links_to_its_own_site_once(demo):
    from plugins.newsletter.models import NewsletterPage
    from plugins.newsletter.rendering import render_edition

    hosts = set(Site.objects.values_list("hostname", flat=True))
    checked = 0
    for page in NewsletterPage.objects.live():
        site = page.get_site()
        edition = render_edition(page, site)
        where = f"newsletter {page.pk} {page.locale.language_code}"
        hrefs = re.findall(r'(?:href|src)="([^"]+)"', edition.html)
        own = 0
        for href in hrefs:
            if href.startswith("{{") or href.startswith("mailto:"):
                continue
            check_urls(href, hosts, where)
            assert urlsplit(href).scheme in ("http", "https"), (where, href)
            own += urlsplit(href).hostname == site.hostname
        assert own >= 2, where  # "read on the website" and "all newsletters" at least
        check_urls(edition.text, hosts, where)
        checked += 1
    assert checked >= 1
