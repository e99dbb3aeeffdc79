"""In a real browser: join, approve, read the private documents; axe on every public page."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from networks.models import Membership
from tests.conftest import make_site
from tests.helpers import assert_no_axe_violations
from treffpunkt.accounts.roles import ensure_site_roles

from .conftest import build_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def local_network(transactional_db, languages):
    # A committing test's flush removes the tree root along with everything else.
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root", locale=Locale.get_default())
    Site.objects.all().delete()
    site = make_site("localhost", "Beckum", default=True)
    return build_network(site)


def off_loop(function, *args, **kwargs):
    """Run database writes in a worker thread.

    Playwright's event loop runs in the test's thread, and receivers of membership_changed
    (the chat's) call async_to_sync, which refuses to run beside a running loop.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_in(browser_page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_member_joins_coordinator_approves_member_reads_documents(
    browser, live_server, local_network, make_user
):
    network = local_network
    members = off_loop(lambda: ensure_site_roles(network.site).members)
    coordinator = make_user("coordinator@example.org", first_name="Petra", last_name="Wessel")
    applicant = make_user("amal@example.org", first_name="Amal", last_name="Haddad")
    for person in (coordinator, applicant):
        person.groups.add(members)
    off_loop(
        Membership.objects.create,
        working_group=network.group,
        user=coordinator,
        role="coordinator",
        status="active",
    )
    Document = get_document_model()
    document = Document(title="Protokoll März", collection=network.group.collection)
    document.file.save("protokoll.txt", ContentFile(b"Vertraulich"), save=False)
    document.save()
    group_url = live_server.url + network.group.url

    member_tab = browser.new_context(locale="de-DE").new_page()
    sign_in(member_tab, live_server, applicant)
    assert member_tab.request.get(live_server.url + document.url).status == 403
    member_tab.goto(group_url)
    member_tab.get_by_label("Nachricht an die Koordination (freiwillig)").fill(
        "Ich übersetze gern ins Arabische."
    )
    member_tab.get_by_role("button", name="Um Aufnahme bitten").click()
    member_tab.get_by_text("Die Koordination beantwortet Ihre Anfrage per E-Mail.").wait_for()

    coordinator_tab = browser.new_context(locale="de-DE").new_page()
    sign_in(coordinator_tab, live_server, coordinator)
    coordinator_tab.goto(group_url + "intern/")
    coordinator_tab.get_by_text("Ich übersetze gern ins Arabische.").wait_for()
    coordinator_tab.get_by_role("button", name=re.compile(r"Annehmen\W*Amal Haddad")).click()
    coordinator_tab.get_by_text("Die Anfrage wurde angenommen.").wait_for()

    member_tab.goto(group_url)
    member_tab.get_by_role("link", name="Zum internen Bereich").click()
    member_tab.get_by_role("link", name="Protokoll März").wait_for()
    response = member_tab.request.get(live_server.url + document.url)
    assert response.status == 200
    assert response.body() == b"Vertraulich"
    member_tab.context.close()
    coordinator_tab.context.close()


@pytest.mark.parametrize("language", ["", "/ar"])
def test_public_pages_have_no_axe_violations(page, live_server, local_network, language):
    network = local_network
    paths = [
        network.page.url,
        network.groups_index.url,
        network.group.url,
        network.directory.url,
        network.directory.url + "?action_field=wohnen&language=ar",
        network.directory.url + network.caritas.slug + "/",
        network.measures_page.url,
        network.measures_page.url + network.measure.slug + "/",
    ]
    for path in paths:
        page.goto(live_server.url + language + path)
        expected = "rtl" if language else "ltr"
        assert page.locator("html").get_attribute("dir") == expected
        assert_no_axe_violations(page)


def test_private_space_has_no_axe_violations(browser, live_server, local_network, make_user):
    coordinator = make_user("coordinator@example.org")
    off_loop(
        Membership.objects.create,
        working_group=local_network.group,
        user=coordinator,
        role="coordinator",
        status="active",
    )
    tab = browser.new_context(locale="de-DE").new_page()
    sign_in(tab, live_server, coordinator)
    tab.goto(live_server.url + local_network.group.url + "intern/")
    assert_no_axe_violations(tab)
    tab.context.close()
