"""A signed-in person's dashboard lists their sign-ups for coming events of this town, each
cancelled in one click (POST), and nobody else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events import registrations as engine
from events.models import EventIndexPage, Registration

from .conftest import add_event, in_days

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def signed_up(make_event, make_user, other_site):
    amal = make_user("amal@example.org", first_name="Amal")
    nour = make_user("nour@example.org", first_name="Nour")
    coming = make_event(title="Sprachcafé im Mai", capacity=10)
    later = make_event(title="Begegnungsfest", start=in_days(20), capacity=10)
    past = make_event(title="Vergangenes Fest", start=in_days(-3), capacity=10)
    calendar = EventIndexPage(title="Kalender", slug="kalender-borken")
    other_site.root_page.add_child(instance=calendar)
    elsewhere = add_event(calendar, title="Fest in Borken", capacity=10)
    for event in (coming, later, elsewhere):
        engine.sign_up(event, email=amal.email, user=amal)
    Registration.objects.create(
        event=past, email=amal.email, user=amal, kind="visitor", status="confirmed"
    )
    engine.sign_up(coming, email=nour.email, user=nour)
    return {"amal": amal, "nour": nour, "coming": coming, "later": later, "past": past}


def test_the_dashboard_lists_coming_sign_ups_of_this_town_soonest_first(client, signed_up):
    client.force_login(signed_up["amal"])
    page = client.get(reverse("accounts:dashboard"), **HOST).content.decode()
    panel = page.split('class="link-list sign-ups"', 1)[1].split("</ul>", 1)[0]
    assert panel.index("Sprachcafé im Mai") < panel.index("Begegnungsfest")
    assert "Vergangenes Fest" not in panel and "Fest in Borken" not in panel
    assert panel.count("<form") == 2


def test_cancel_in_one_click_only_ones_own(client, signed_up):
    amal, nour = signed_up["amal"], signed_up["nour"]
    mine = Registration.objects.get(user=amal, event=signed_up["coming"])
    theirs = Registration.objects.get(user=nour)
    url = reverse("events:cancel_mine", args=[mine.public_id])

    assert client.post(url, **HOST).status_code == 302  # anonymous: to the login
    client.force_login(amal)
    assert client.get(url, **HOST).status_code == 405  # a link never cancels
    other = client.post(reverse("events:cancel_mine", args=[theirs.public_id]), **HOST)
    assert other.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.CONFIRMED

    done = client.post(url, follow=True, **HOST)
    assert done.redirect_chain[-1][0] == reverse("accounts:dashboard")
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED
    assert "Sprachcafé im Mai" in done.content.decode()  # the message names the event
    panel = done.content.decode().split('class="link-list sign-ups"', 1)[1].split("</ul>", 1)[0]
    assert "Sprachcafé im Mai" not in panel
    # twice: nothing left to cancel
    assert client.post(url, **HOST).status_code == 404


def test_nothing_signed_up_says_so(client, site, make_user):
    client.force_login(make_user("neu@example.org"))
    page = client.get(reverse("accounts:dashboard"), **HOST).content.decode()
    assert "für keine kommende Veranstaltung angemeldet" in page
