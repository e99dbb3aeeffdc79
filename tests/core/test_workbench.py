"""The admin's start page per role (issue 16): what needs doing in one's own town, answered
in place; panels come from apps and plugins and vanish where a plugin is off."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Locale

from networks.models import Membership
from plugins.chat.models import Message, Report, Room
from treffpunkt.accounts.roles import ensure_site_roles, make_manager
from treffpunkt.plugins.models import PluginSettings

from ..events.conftest import add_event
from ..networks.conftest import build_network

BECKUM = {"HTTP_HOST": "beckum.test"}
BORKEN = {"HTTP_HOST": "borken.test"}


@pytest.fixture(autouse=True)
def _locales(db):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code defers to after the commit (the mails), as a real commit would."""

    def _commit():
        return django_capture_on_commit_callbacks(execute=True)

    return _commit


@pytest.fixture
def world(site, other_site, make_user):
    """Two towns with a working group each, an open request in each, their managers."""
    beckum, borken = build_network(site), build_network(other_site, slug_prefix="bor-")
    for town in (site, other_site):
        ensure_site_roles(town)
    w = type("World", (), {})()
    w.beckum, w.borken = beckum, borken
    w.manager = make_user("integration@beckum.example", first_name="Ines", last_name="Brand")
    make_manager(w.manager, site)
    w.other_manager = make_user("integration@borken.example", first_name="Bodo", last_name="Ke")
    make_manager(w.other_manager, other_site)
    w.asker = make_user(
        "asker@example.org", first_name="Oksana", last_name="Melnyk", preferred_language="uk"
    )
    w.request = Membership.objects.create(
        working_group=beckum.group, user=w.asker, message="Ich möchte mitmachen."
    )
    w.far_asker = make_user("far@example.org", first_name="Yusuf", last_name="Demir")
    w.far_request = Membership.objects.create(working_group=borken.group, user=w.far_asker)
    return w


def _home(client, user, host=BECKUM):
    """The admin's start page as ``user`` sees it (in German, the site's default)."""
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"), **host)
    assert response.status_code == 200
    return response.content.decode()


def test_manager_sees_own_towns_open_requests_only(client, world):
    html = _home(client, world.manager)
    assert "Offene Beitrittsanfragen (1)" in html
    assert "Oksana Melnyk" in html and "Ich möchte mitmachen." in html
    assert "Yusuf Demir" not in html  # Borken's request
    # the other town's manager, even on Beckum's host name, sees only Borken's
    html = _home(client, world.other_manager, BECKUM)
    assert "Yusuf Demir" in html and "Oksana Melnyk" not in html


def test_superuser_sees_every_town_with_its_name(client, world, staff):
    html = _home(client, staff)
    assert "Offene Beitrittsanfragen (1) – Beckum" in html
    assert "Offene Beitrittsanfragen (1) – Borken" in html


def test_nothing_to_do_means_no_empty_panel(client, world):
    Membership.objects.filter(status=Membership.Status.REQUESTED).update(
        status=Membership.Status.DECLINED
    )
    html = _home(client, world.manager)
    assert "Offene Beitrittsanfragen" not in html
    assert "workbench-panel" not in html


def test_accept_in_place_mails_the_person_in_their_language(client, world, commit):
    _home(client, world.manager)
    with commit():
        response = client.post(
            reverse("networks_answer_join_request"),
            {
                "membership": world.request.pk,
                "action": "accept",
                "note": "Wir treffen uns dienstags.",
                "next": reverse("wagtailadmin_home"),
            },
            **BECKUM,
        )
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    world.request.refresh_from_db()
    assert world.request.status == Membership.Status.ACTIVE
    assert world.request.decided_by == world.manager
    [message] = [m for m in mail.outbox if m.to == ["asker@example.org"]]
    assert "Kontakt mit Behörden" in message.subject
    assert "Ласкаво просимо" in message.subject  # Ukrainian, the person's language
    assert "Wir treffen uns dienstags." in message.body
    # answered: the panel is gone
    assert "Offene Beitrittsanfragen" not in _home(client, world.manager)


def test_decline_in_place(client, world, commit):
    client.force_login(world.manager)
    with commit():
        client.post(
            reverse("networks_answer_join_request"),
            {"membership": world.request.pk, "action": "decline"},
            **BECKUM,
        )
    world.request.refresh_from_db()
    assert world.request.status == Membership.Status.DECLINED
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]


@pytest.mark.parametrize(
    "data",
    [
        {"action": "accept"},  # no id
        {"membership": "", "action": "accept"},
        {"membership": "abc", "action": "accept"},
        {"membership": "99999999999999999999999", "action": "accept"},
        {"membership": "-1", "action": "accept"},
        {"membership": "{pk}", "action": "approve-all"},
        {"membership": "{pk}", "action": "accept", "note": "x" * 1001},
        {"membership": "{pk}", "action": "accept", "next": "https://evil.example/"},
    ],
)
def test_bad_input_changes_nothing(client, world, data):
    client.force_login(world.manager)
    data = {k: v.format(pk=world.request.pk) for k, v in data.items()}
    response = client.post(reverse("networks_answer_join_request"), data, **BECKUM)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    world.request.refresh_from_db()
    if data.get("next", "").startswith("https://evil"):
        assert world.request.status == Membership.Status.ACTIVE  # valid answer, safe redirect
    else:
        assert world.request.status == Membership.Status.REQUESTED


def test_other_towns_manager_cannot_answer(client, world):
    client.force_login(world.other_manager)
    client.post(
        reverse("networks_answer_join_request"),
        {"membership": world.request.pk, "action": "accept"},
        **BECKUM,
    )
    world.request.refresh_from_db()
    assert world.request.status == Membership.Status.REQUESTED
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_answer_view_is_for_admin_users(client, world, make_user, who):
    if who == "member":
        member = make_user("m@example.org")
        member.groups.add(ensure_site_roles(world.beckum.site).members)
        client.force_login(member)
    response = client.post(
        reverse("networks_answer_join_request"),
        {"membership": world.request.pk, "action": "accept"},
        **BECKUM,
    )
    assert response.status_code in (302, 403)
    world.request.refresh_from_db()
    assert world.request.status == Membership.Status.REQUESTED
    assert response.status_code == 403 or "/login" in response["Location"]


def test_answer_view_refuses_get(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("networks_answer_join_request"), **BECKUM)
    assert response.status_code == 405


# --- the other panels ---------------------------------------------------------------------


def test_next_events_show_held_confirmed_waiting(client, world, site, other_site):
    from events.models import EventIndexPage, Registration

    index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=index)
    event = add_event(index, title="Begegnungscafé", capacity=10)
    S = Registration.Status
    for status, size in [(S.CONFIRMED, 3), (S.HELD, 2), (S.WAITING, 4), (S.CANCELLED, 5)]:
        Registration.objects.create(
            event=event, kind="visitor", status=status, email="a@example.org", party_size=size
        )
    far_index = EventIndexPage(title="Termine", slug="termine")
    other_site.root_page.add_child(instance=far_index)
    add_event(far_index, title="Borkener Fest", capacity=50)
    html = _home(client, world.manager)
    assert "Nächste Veranstaltungen" in html and "Begegnungscafé" in html
    assert "Borkener Fest" not in html
    row = html[html.index("Begegnungscafé") : html.index("</tr>", html.index("Begegnungscafé"))]
    cells = [c.split(">", 1)[1].split("<", 1)[0].strip() for c in row.split("<td")[1:]]
    assert cells[1:4] == ["3", "2", "4"]  # confirmed, held, waiting (people)
    assert "5 von 10" in row
    assert "Neueste Anmeldungen" in html


def test_chat_reports_panel_and_plugin_off(client, world, site, other_site):
    room = Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk Beckum")
    message = Message.objects.create(room=room, author=world.asker, text="unfreundlich", html="")
    Report.objects.create(message=message, reporter=world.manager, reason="Beleidigung")
    far_room = Room.objects.create(site=other_site, kind=Room.Kind.NETWORK, title="Borken")
    far = Message.objects.create(room=far_room, author=world.far_asker, text="x", html="")
    Report.objects.create(message=far, reporter=world.other_manager, reason="Werbung")

    html = _home(client, world.manager)
    assert "Offene Chat-Meldungen (1)" in html and "Beleidigung" in html
    assert "Werbung" not in html

    PluginSettings.set_enabled(site, "chat", False)
    html = _home(client, world.manager)
    assert "Chat-Meldungen" not in html and "Beleidigung" not in html
    assert "Offene Beitrittsanfragen (1)" in html  # the core's panels stay


# --- the list: filter "open", answer several at once ----------------------------------------


def _bulk_url(action, *ids, all_rows=False):
    url = reverse("wagtail_bulk_action", args=("networks", "membership", action))
    query = "&".join(["id=all"] if all_rows else [f"id={pk}" for pk in ids])
    return f"{url}?{query}&next=/admin/"


def test_list_filter_open_shows_own_towns_requests(client, world, make_user):
    other = make_user("second@example.org", first_name="Rana", last_name="Saleh")
    Membership.objects.create(working_group=world.beckum.group, user=other)
    client.force_login(world.manager)
    url = reverse("wagtailsnippets_networks_membership:list") + "?status=requested"
    html = client.get(url, **BECKUM).content.decode()
    assert "Oksana Melnyk" in html and "Rana Saleh" in html
    assert "Yusuf Demir" not in html
    assert "Annehmen" in html and "Ablehnen" in html  # the bulk actions are offered


def test_bulk_accept_with_message(client, world, make_user, commit):
    other = make_user("second@example.org", first_name="Rana", last_name="Saleh")
    second = Membership.objects.create(working_group=world.beckum.group, user=other)
    client.force_login(world.manager)
    url = _bulk_url("accept_join_requests", world.request.pk, second.pk)
    page = client.get(url, **BECKUM).content.decode()
    assert "Oksana Melnyk" in page and "Rana Saleh" in page and 'name="note"' in page
    with commit():
        response = client.post(url, {"note": "Herzlich willkommen!"}, **BECKUM)
    assert response.status_code == 302
    assert set(
        Membership.objects.filter(pk__in=[world.request.pk, second.pk]).values_list(
            "status", flat=True
        )
    ) == {Membership.Status.ACTIVE}
    assert sorted(m.to[0] for m in mail.outbox) == ["asker@example.org", "second@example.org"]
    assert all("Herzlich willkommen!" in m.body for m in mail.outbox)


def test_bulk_decline_leaves_other_towns_rows_alone(client, world, commit):
    client.force_login(world.manager)
    url = _bulk_url("decline_join_requests", world.request.pk, world.far_request.pk)
    page = client.get(url, **BECKUM).content.decode()
    assert "Oksana Melnyk" in page
    with commit():
        client.post(url, {"note": ""}, **BECKUM)
    world.request.refresh_from_db()
    world.far_request.refresh_from_db()
    assert world.request.status == Membership.Status.DECLINED
    assert world.far_request.status == Membership.Status.REQUESTED
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]


def test_bulk_select_all_means_own_town_only(client, world, commit):
    client.force_login(world.manager)
    with commit():
        client.post(_bulk_url("accept_join_requests", all_rows=True), {"note": ""}, **BECKUM)
    world.far_request.refresh_from_db()
    world.request.refresh_from_db()
    assert world.far_request.status == Membership.Status.REQUESTED
    assert world.request.status == Membership.Status.ACTIVE


def test_bulk_message_too_long_changes_nothing(client, world):
    client.force_login(world.manager)
    response = client.post(
        _bulk_url("accept_join_requests", world.request.pk), {"note": "x" * 1001}, **BECKUM
    )
    assert response.status_code == 200  # the form again, with its error
    world.request.refresh_from_db()
    assert world.request.status == Membership.Status.REQUESTED


# --- coordinators: their groups' requests on their own start page (/konto/) ---------------


def test_coordinator_dashboard_lists_their_groups_requests(client, world, make_user, commit):
    coordinator = make_user("coord@example.org", first_name="Petra", last_name="Wessel")
    Membership.objects.create(
        working_group=world.beckum.group,
        user=coordinator,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    )
    client.force_login(coordinator)
    html = client.get(reverse("accounts:dashboard"), **BECKUM).content.decode()
    assert "Anfragen an Ihre Arbeitsgruppen" in html and "Oksana Melnyk" in html
    assert "Yusuf Demir" not in html
    # relative: the form posts to the address the page came from (CSP form-action 'self')
    action = "/netzwerk/arbeitsgruppen/kontakt-mit-behoerden/intern/mitglieder/"
    assert f'action="{action}"' in html
    with commit():
        client.post(action, {"membership": world.request.pk, "action": "approve"}, **BECKUM)
    world.request.refresh_from_db()
    assert world.request.status == Membership.Status.ACTIVE
    # a plain member of the group sees no such panel
    world.asker.refresh_from_db()
    client.force_login(world.asker)
    html = client.get(reverse("accounts:dashboard"), **BECKUM).content.decode()
    assert "Anfragen an Ihre Arbeitsgruppen" not in html


def test_request_mail_reaches_coordinators_and_the_towns_managers_only(
    client, world, make_user, commit
):
    from networks import services

    coordinator = make_user("coord@example.org", preferred_language="tr")
    Membership.objects.create(
        working_group=world.beckum.group,
        user=coordinator,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    )
    world.manager.preferred_language = "ar"
    world.manager.save()
    newcomer = make_user("new@example.org", first_name="Lina", last_name="Haddad")
    with commit():
        services.request_to_join(newcomer, world.beckum.group, "Hallo!")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"coord@example.org", "integration@beckum.example"}
    assert "Kontakt mit Behörden" in by_address["integration@beckum.example"].subject
    assert "طلب" in by_address["integration@beckum.example"].subject  # Arabic
    assert "Lina Haddad" in by_address["coord@example.org"].body
