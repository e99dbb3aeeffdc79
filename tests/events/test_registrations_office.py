"""The organiser's registration list: names of account holders in list and exports, Excel
dates as dates, the search kept across check-ins, labelled cards and no user bar on phones."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from events import registrations as engine
from events.models import Registration

from .test_browser import festival_live  # noqa: F401 - the live fixture

HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def amal(make_user):
    return make_user("amal.haddad@example.org", first_name="Amal", last_name="Haddad")


def _signed_up(event, amal):
    # Signed in, one types no name: the account's name is the registrant's.
    account = engine.sign_up(event, email=amal.email, name="", user=amal)
    guest = engine.sign_up(event, email="gast@example.org", name="Gast Eins")
    for registration in (account, guest):
        if registration.status == Registration.Status.HELD:
            engine.confirm(registration.token)
    return account, guest


@pytest.mark.django_db
def test_account_holders_have_their_name_in_list_search_and_exports(client, event, staff, amal):
    account, _guest = _signed_up(event, amal)
    client.force_login(staff)
    base = f"/veranstaltungen/{event.pk}/anmeldungen"
    page = client.get(f"{base}/", **HOST).content.decode()
    assert "Amal Haddad" in page
    found = client.get(f"{base}/", {"q": "haddad"}, **HOST).content.decode()
    assert "Amal Haddad" in found and "Gast Eins" not in found
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{base}.csv", **HOST).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    by_mail = {row[3]: row for row in rows[1:]}
    assert by_mail[amal.email][2] == "Amal Haddad"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", by_mail[amal.email][7])
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx", **HOST).content)).active
    cells = {row[3].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells[amal.email][2].value == "Amal Haddad"
    created = cells[amal.email][7]
    assert isinstance(created.value, dt.datetime) and created.is_date
    assert created.number_format == "DD.MM.YYYY HH:MM"
    assert cells[amal.email][8].value is None  # not checked in: an empty cell, not ""


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["haddad", "x" * 500, "\u202e<script>", ""])
def test_check_in_keeps_the_search(client, event, staff, amal, query):
    account, _guest = _signed_up(event, amal)
    client.force_login(staff)
    url = f"/veranstaltungen/{event.pk}/anmeldungen/checkin/{account.public_id}/"
    response = client.post(url, {"q": query}, **HOST)
    assert response.status_code == 302
    location = response["Location"]
    assert location.endswith(f"#r-{account.public_id}")
    if query:
        assert "?q=" in location
        follow = client.get(location.split("#")[0], **HOST)
        assert follow.status_code == 200
        assert follow.context["query"] == query[:100]
    else:
        assert "?" not in location
    assert Registration.objects.get(pk=account.pk).attended_at is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_cards_are_labelled_the_search_stays_and_nothing_covers_it(
    browser,
    live_server,
    festival_live,  # noqa: F811
    staff,
    make_user,
):
    _calendar, festival = festival_live
    amal = make_user("amal.haddad@example.org", first_name="Amal", last_name="Haddad")
    _signed_up(festival, amal)
    client = Client()
    client.force_login(staff)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    tab = context.new_page()
    tab.goto(f"{live_server.url}/veranstaltungen/{festival.pk}/anmeldungen/")
    assert tab.locator("wagtail-userbar, .wagtail-userbar, [data-wagtail-userbar]").count() == 0
    search = tab.locator("#q")
    box = search.bounding_box()
    on_top = tab.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).id",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "q"
    search.fill("Haddad")
    search.press("Enter")
    tab.wait_for_url(re.compile(r"q=Haddad"))
    row = tab.locator("table.registrations tbody tr").first
    label = row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == "Name"
    assert "Amal Haddad" in row.inner_text()
    row.get_by_role("button", name=re.compile("Einchecken")).click()
    tab.wait_for_selector("text=Eingecheckt")
    assert tab.locator("#q").input_value() == "Haddad"
    assert tab.locator("table.registrations tbody tr").count() == 1
    button = tab.locator("table.registrations button").first
    b = button.bounding_box()
    on_button = tab.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button') !== null",
        [b["x"] + b["width"] / 2, b["y"] + b["height"] / 2],
    )
    assert on_button
    context.close()
