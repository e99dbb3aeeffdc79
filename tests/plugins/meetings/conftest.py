"""Fixtures of the meetings tests: a network with one working group and its people."""

from __future__ import annotations

import datetime as dt

import pytest
import recurrence
from dateutil import rrule

from networks.models import Membership, NetworkPage, WorkingGroupIndexPage, WorkingGroupPage
from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage, Visibility
from treffpunkt.accounts.roles import ensure_site_roles


def weekly(interval: int = 1, **kwargs) -> recurrence.Recurrence:
    return recurrence.Recurrence(
        rrules=[recurrence.Rule(rrule.WEEKLY, interval=interval, **kwargs)]
    )


def second_tuesday(**kwargs) -> recurrence.Recurrence:
    return recurrence.Recurrence(
        rrules=[recurrence.Rule(rrule.MONTHLY, byday=[rrule.TU(2)], **kwargs)]
    )


@pytest.fixture
def roles(site):
    """The network members and the integration managers of the test's site."""
    site_roles = ensure_site_roles(site)
    return site_roles.members, site_roles.managers


@pytest.fixture
def network(site):
    home = site.root_page
    page = NetworkPage(title="Netzwerk Integration", slug="netzwerk")
    home.add_child(instance=page)
    groups = WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen")
    page.add_child(instance=groups)
    return page, groups


@pytest.fixture
def group(network):
    _network, index = network
    page = WorkingGroupPage(
        title="AG Kontakt mit Behörden", slug="ag-behoerden", purpose="Bürgerkontakt"
    )
    index.add_child(instance=page)
    return page


@pytest.fixture
def meeting_index(site):
    page = MeetingIndexPage(title="Treffen", slug="treffen-seite")
    site.root_page.add_child(instance=page)
    return page


@pytest.fixture
def people(make_user, roles, group):
    """anonymous is None; the others are users with the roles of the access matrix."""
    members_group, managers_group = roles
    outsider = make_user("outsider@example.org", first_name="Otto", last_name="Außen")
    network_member = make_user("netz@example.org", first_name="Nora", last_name="Netz")
    network_member.groups.add(members_group)
    member = make_user("ag@example.org", first_name="Amal", last_name="Haddad")
    member.groups.add(members_group)
    coordinator = make_user("koordination@example.org", first_name="Petra", last_name="Wessel")
    # bulk_create: set-up data without the membership_changed signal, whose chat receiver
    # cannot run in the thread of the browser tests (Playwright's event loop runs there)
    Membership.objects.bulk_create(
        [
            Membership(working_group=group, user=member, status=Membership.Status.ACTIVE),
            Membership(
                working_group=group,
                user=coordinator,
                role=Membership.Role.COORDINATOR,
                status=Membership.Status.ACTIVE,
            ),
        ]
    )
    manager = make_user("integration@example.org", first_name="Miriam", last_name="Adler")
    manager.groups.add(members_group, managers_group)
    staff = make_user("staff@example.org", is_staff=True, is_superuser=True)
    return {
        "anonymous": None,
        "outsider": outsider,
        "network_member": network_member,
        "member": member,
        "coordinator": coordinator,
        "manager": manager,
        "staff": staff,
    }


@pytest.fixture
def make_series(meeting_index):
    def _make(title="Netzwerktreffen", **fields) -> MeetingSeriesPage:
        values = {
            "first_date": dt.date(2026, 1, 1),
            "start_time": dt.time(17),
            "end_time": dt.time(19),
            "recurrence": second_tuesday(),
            "location": "Rathaus Beckum, Raum 2",
            "visibility": Visibility.NETWORK,
        }
        values.update(fields)
        slug = fields.pop("slug", None) or title.lower().replace(" ", "-")
        page = MeetingSeriesPage(title=title, slug=slug, **values)
        page.full_clean(
            exclude=["path", "depth", "content_type", "translation_key", "locale", "draft_title"]
        )
        meeting_index.add_child(instance=page)
        page.save_revision().publish()
        return MeetingSeriesPage.objects.get(pk=page.pk)

    return _make


@pytest.fixture
def english():
    """Messages in English, so that tests can name them by their source text."""
    from django.utils import translation

    with translation.override("en"):
        yield
