"""The booking-out attack of issue 11, replayed: do real visitors still get places?

A 150-place festival (parties up to 6). Attackers post sign-ups with invented addresses and
parties of 6, which they never confirm, from a few IP addresses, each through the whole
HTTP stack as a visitor does (GET the form, POST it with its hidden fields). Then real
visitors, each from their own address, sign up for 1-2 people and confirm by the mail link
(the confirm page's POST); half of them have a browser that solves the proof-of-work
challenge the form asks for under attack (signup-challenge.js), half have no JavaScript.

The same run twice, in one process: once with the limits switched off (what the issue saw:
unconfirmed holds without bounds), once with the deployment's defaults (EVENTS_UNCONFIRMED_
SHARE, EVENTS_UNCONFIRMED_MAX_PARTY, EVENTS_HOLDS_PER_IP/EMAIL, EVENTS_ATTACK_POSTS, the
challenge). Reported: places the attack holds, real visitors with a place at once, after
confirming, and on the waiting list. SQLite in its own var dir; Django's test client (the
whole middleware stack, REMOTE_ADDR per visitor), no sockets: the figures are about places,
not speed.

    .venv/bin/python bench/bench_booking_out.py [--attackers 3] [--posts 40] [--visitors 40]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

from bench.common import table, write_result  # noqa: E402

VAR_DIR = Path(os.environ.get("BENCH_BOOKING_VAR_DIR", ROOT / "var" / "bench-booking-out"))
HOST = "bench-booking.localhost"
PLACES = 150
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')

#: what the code uses when a deployment sets none of them (events/ratelimit.py, registrations)
CODE_DEFAULTS = {
    "EVENTS_UNCONFIRMED_SHARE": 0.5,
    "EVENTS_UNCONFIRMED_MAX_PARTY": 2,
    "EVENTS_HOLDS_PER_IP": (3, 3600),
    "EVENTS_HOLDS_PER_EMAIL": (3, 3600),
    "EVENTS_ATTACK_POSTS": (60, 600),
    "EVENTS_SIGNUP_RATE_IP": (30, 3600),
}
#: the limits switched off: what the issue saw before the defences
NO_LIMITS = {
    "EVENTS_UNCONFIRMED_SHARE": 1.0,
    "EVENTS_UNCONFIRMED_MAX_PARTY": 10_000,
    "EVENTS_HOLDS_PER_IP": (10**9, 3600),
    "EVENTS_HOLDS_PER_EMAIL": (10**9, 3600),
    "EVENTS_ATTACK_POSTS": (10**9, 600),
    "EVENTS_SIGNUP_RATE_IP": (10**9, 3600),
}


def setup():
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "treffpunkt.settings"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["TREFFPUNKT_VAR_DIR"] = str(VAR_DIR)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def make_event(title: str):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from events.models import EventIndexPage, FestivalPage, Registration
    from treffpunkt.core.models import HomePage

    Locale.objects.get_or_create(language_code="de")
    site = Site.objects.filter(hostname=HOST).first()
    if site is None:
        home = HomePage(title="Bench", slug="bench-booking", hero_title="Bench")
        Page.get_first_root_node().add_child(instance=home)
        site = Site.objects.create(hostname=HOST, port=80, root_page=home, site_name="Bench")
    home = site.root_page
    calendar = EventIndexPage.objects.child_of(home).first()
    if calendar is None:
        calendar = EventIndexPage(title="Kalender", slug="kalender")
        home.add_child(instance=calendar)
    for old in FestivalPage.objects.child_of(calendar).filter(title=title):
        Registration.objects.filter(event=old).delete()
        old.delete()
    start = timezone.now() + timedelta(days=14)
    event = FestivalPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        start=start,
        end=start + timedelta(hours=6),
        registration_enabled=True,
        capacity=PLACES,
        max_party_size=6,
    )
    calendar.add_child(instance=event)
    event.save_revision().publish()
    return event


def sign_up(event, email: str, party: int, address: str, solve: bool = False) -> int:
    """One visitor: GET the form, POST it (with the challenge solved if asked); status."""
    from django.test import Client

    from events import challenge

    client = Client(HTTP_HOST=HOST, REMOTE_ADDR=address)
    url = event.url + "anmelden/"
    form = client.get(url)
    fields = dict(HIDDEN.findall(form.content.decode()))
    fields.update({"email": email, "name": "Gast", "party_size": str(party)})
    if solve:
        data = client.get(f"/veranstaltungen/{event.pk}/pruefung.json").json()
        if data.get("required"):
            fields["pow_challenge"] = data["challenge"]
            fields["pow_nonce"] = challenge.solve(data["challenge"], data["bits"])
    return client.post(url, fields).status_code


def places(event, emails) -> dict[str, int]:
    from events.models import Registration

    regs = Registration.objects.filter(event=event, email__in=list(emails))
    count = {"held": 0, "confirmed": 0, "waiting": 0, "people": 0}
    for r in regs:
        if r.status in count:
            count[r.status] += r.party_size if r.status != "waiting" else 1
    return count


def scenario(name: str, overrides: dict, attackers: int, posts: int, visitors: int) -> list:
    from django.conf import settings
    from django.core.cache import cache

    from events import registrations as engine
    from events.models import Registration

    saved = {k: getattr(settings, k) for k in NO_LIMITS if hasattr(settings, k)}
    for key, value in overrides.items():
        setattr(settings, key, value)
    cache.clear()
    try:
        event = make_event(f"Fest {name}")
        began = time.perf_counter()
        attack: list = []
        for a in range(attackers):
            for i in range(posts):
                email = f"fake-{a}-{i}@example.invalid"
                attack.append(email)
                status = sign_up(event, email, 6 if i % 2 == 0 else 1, f"203.0.113.{a + 1}")
                attack.append(status)
        attack_seconds = time.perf_counter() - began
        statuses = [x for x in attack if isinstance(x, int)]
        attack = [x for x in attack if isinstance(x, str)]
        held_by_attack = places(event, attack)["held"]
        stored = Registration.objects.filter(event=event, email__in=attack)
        deferred = stored.filter(status="waiting").count()
        real = []
        for v in range(visitors):
            email = f"gast{v}@example.org"
            real.append(email)
            sign_up(event, email, 1 + v % 2, f"198.51.{v // 250}.{v % 250 + 1}", solve=v % 2 == 0)
        at_once = Registration.objects.filter(event=event, email__in=real, status="held").count()
        for registration in Registration.objects.filter(event=event, email__in=real):
            engine.confirm(registration.token)  # the mail link's button
        after = Registration.objects.filter(event=event, email__in=real)
        confirmed = after.filter(status="confirmed").count()
        waiting = after.filter(status="waiting").count()
        free = engine.availability(event)["free"]
        return [
            name,
            attackers * posts,
            f"{sum(1 for x in statuses if x == 302)} / {deferred}",
            f"{attack_seconds:.1f}",
            f"{held_by_attack} of {PLACES}",
            f"{at_once} of {visitors}",
            f"{confirmed} of {visitors}",
            waiting,
            free,
        ]
    finally:
        for key in NO_LIMITS:
            if key in saved:
                setattr(settings, key, saved[key])
            elif hasattr(settings, key):
                delattr(settings, key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attackers", type=int, default=3, help="attacking IP addresses")
    parser.add_argument("--posts", type=int, default=40, help="sign-ups per attacking address")
    parser.add_argument("--visitors", type=int, default=40, help="real visitors afterwards")
    args = parser.parse_args()
    setup()
    from django.conf import settings

    # the deployment's values (a limit left unset keeps the code's own default)
    defaults = {k: getattr(settings, k) for k in NO_LIMITS if hasattr(settings, k)}
    rows = [
        scenario("without limits", NO_LIMITS, args.attackers, args.posts, args.visitors),
        scenario("with the defaults", defaults, args.attackers, args.posts, args.visitors),
    ]
    headers = [
        "run",
        "attack posts",
        "accepted / holding nothing",
        "attack s",
        "places held by the attack",
        "visitors holding at once",
        "visitors confirmed",
        "visitors waiting",
        "places free after",
    ]
    limits = ", ".join(f"{k}={defaults.get(k, CODE_DEFAULTS[k])}" for k in NO_LIMITS)
    text = (
        f"{PLACES}-place festival, parties up to 6; {args.attackers} attacking addresses x "
        f"{args.posts} unconfirmed sign-ups (parties of 6 and 1, invented addresses), then "
        f"{args.visitors} real visitors (each their own address, 1-2 people, half solve "
        f"the challenge in the browser, all confirm by the mail link).\n\n"
        f"Defaults: {limits}, EVENTS_POW_BITS={getattr(settings, 'EVENTS_POW_BITS', 16)}.\n\n"
        + table(headers, rows)
    )
    write_result("booking_out", "Booking-out attack: do real visitors still get places?", text)


if __name__ == "__main__":
    main()
