"""A member's dashboard lists their working groups (the way into each private space) and
their open requests to join, on this town's site only."""

from __future__ import annotations

import pytest

from networks.models import Membership
from tests.networks.conftest import build_network

from .conftest import HOST

pytestmark = pytest.mark.django_db


def test_groups_with_their_private_space_and_open_requests(client, network, people, other_site):
    borken = build_network(other_site, slug_prefix="borken-")
    member = people["member"]
    Membership.objects.create(
        working_group=borken.group, user=member, status=Membership.Status.ACTIVE
    )
    client.force_login(member)
    page = client.get("/konto/", **HOST).content.decode()
    panel = page.split('class="link-list my-groups"', 1)[1].split("</ul>", 1)[0]
    assert f'href="{network.group.url}intern/"' in panel
    assert panel.count("<li>") == 1  # not the group in the other town

    # an outsider's request waits for an answer
    outsider = people["outsider"]
    Membership.objects.create(working_group=network.group, user=outsider)
    client.force_login(outsider)
    page = client.get("/konto/", **HOST).content.decode()
    assert 'class="link-list my-groups"' not in page
    assert "Warten auf Antwort" in page and f'href="{network.group.url}"' in page
    assert f'href="{network.group.url}intern/"' not in page


def test_a_person_without_groups_is_told_so(client, people):
    client.force_login(people["staff"])
    response = client.get("/konto/", **HOST)
    assert response.status_code == 200
    assert 'class="link-list my-groups"' not in response.content.decode()
