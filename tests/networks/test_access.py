"""The access matrix: who reaches which private page, file, action, export and report."""

from __future__ import annotations

import pytest

from networks.models import GroupPost, Membership
from treffpunkt.accounts.roles import make_manager

from .conftest import HOST

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "member", "coordinator", "staff"]


def login(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return people[role]


def space_url(network) -> str:
    return network.group.url + "intern/"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 403), ("member", 200), ("coordinator", 200), ("staff", 200)],
)
def test_private_space(client, network, people, role, expected):
    login(client, people, role)
    response = client.get(space_url(network), **HOST)
    assert response.status_code == expected
    html = response.content.decode()
    if expected == 200:
        assert "coordinator@example.org" in html  # the member list with contact details
    else:
        assert "coordinator@example.org" not in html
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 403), ("member", 200), ("coordinator", 200), ("staff", 200)],
)
def test_document_file_url(client, network, people, document, role, expected):
    login(client, people, role)
    response = client.get(document.url, **HOST)
    assert response.status_code == expected
    body = b"".join(response.streaming_content) if expected == 200 else response.content
    assert (b"Vertraulich" in body) == (expected == 200)


def test_documents_outside_group_collections_stay_public(client, network, people):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    Document = get_document_model()
    doc = Document(title="Flyer")
    doc.file.save("flyer.txt", ContentFile(b"Offen"), save=False)
    doc.save()
    response = client.get(doc.url, **HOST)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "may_decide"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("coordinator", True),
        ("staff", True),
    ],
)
def test_approving_a_request(client, network, people, make_user, role, may_decide):
    applicant = make_user("applicant@example.org")
    request = Membership.objects.create(working_group=network.group, user=applicant)
    login(client, people, role)
    response = client.post(
        network.group.url + "intern/mitglieder/",
        {"membership": request.pk, "action": "approve"},
        **HOST,
    )
    request.refresh_from_db()
    assert request.status == ("active" if may_decide else "requested")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif not may_decide:
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "may_post"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", True),
        ("coordinator", True),
        ("staff", True),
    ],
)
def test_posting_minutes(client, network, people, role, may_post):
    login(client, people, role)
    client.post(
        network.group.url + "intern/beitrag/",
        {"kind": "minutes", "title": "Sitzung", "body": "Beschlüsse"},
        **HOST,
    )
    assert GroupPost.objects.filter(working_group=network.group).exists() == may_post


@pytest.mark.parametrize(
    ("role", "may_upload"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", True),
        ("coordinator", True),
        ("staff", True),
    ],
)
def test_uploading_documents(client, network, people, role, may_upload):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model

    login(client, people, role)
    client.post(
        network.group.url + "intern/dokument/",
        {"title": "Einladung", "file": SimpleUploadedFile("einladung.txt", b"Hallo")},
        **HOST,
    )
    docs = get_document_model().objects.filter(collection=network.group.collection)
    assert docs.exists() == may_upload


@pytest.mark.parametrize("role", ROLES)
def test_public_group_page_shows_no_private_content(client, network, people, document, role):
    GroupPost.objects.create(
        working_group=network.group, kind="minutes", title="Geheime Sitzung", body="x"
    )
    login(client, people, role)
    html = client.get(network.group.url, **HOST).content.decode()
    assert "Kontakt mit Behörden" in html
    assert "Geheime Sitzung" not in html
    assert "Protokoll März" not in html
    assert "member2@example.org" not in html


@pytest.mark.parametrize("role", ROLES)
def test_measure_exports_are_public_and_hold_only_this_site(
    client, network, people, other_site, role
):
    from networks.models import Measure

    Measure.objects.create(site=other_site, title="Borkener Maßnahme", slug="borken")
    login(client, people, role)
    for suffix in ["export-csv/", "export-xlsx/"]:
        response = client.get(network.measures_page.url + suffix, **HOST)
        assert response.status_code == 200
    csv = client.get(network.measures_page.url + "export-csv/", **HOST).content.decode()
    assert "Sprachcafé" in csv
    assert "Borkener Maßnahme" not in csv


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 302), ("member", 302), ("coordinator", 302), ("staff", 200)],
)
def test_committee_report(client, settings, network, people, role, expected):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False  # the MFA rule has its own tests in accounts
    login(client, people, role)
    response = client.get("/admin/networks/report/", **HOST)
    # Wagtail sends people without admin access to its login page.
    assert response.status_code == expected
    pdf = client.get("/admin/networks/report/?format=pdf", **HOST)
    assert (pdf.get("Content-Type") == "application/pdf") == (expected == 200)


def test_integration_manager_sees_the_report(client, settings, network, make_user):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    manager = make_user("manager@example.org")
    make_manager(manager, network.site)
    client.force_login(manager)
    response = client.get("/admin/networks/report/", **HOST)
    assert response.status_code == 200
    assert "Sprachcafé" in response.content.decode()


def test_removed_member_loses_access_at_once(client, network, people, document):
    member = people["member"]
    client.force_login(member)
    assert client.get(space_url(network), **HOST).status_code == 200
    membership = Membership.objects.get(working_group=network.group, user=member)
    coordinator_client = client.__class__()
    coordinator_client.force_login(people["coordinator"])
    coordinator_client.post(
        network.group.url + "intern/mitglieder/",
        {"membership": membership.pk, "action": "remove"},
        **HOST,
    )
    membership.refresh_from_db()
    assert membership.status == "removed"
    assert client.get(space_url(network), **HOST).status_code == 403
    assert client.get(document.url, **HOST).status_code == 403


def test_translated_group_page_checks_the_same_membership(client, network, people):
    """The Arabic page of a group (an alias) answers to the German group's memberships."""
    from wagtail.models import Locale

    from networks.membership import is_member

    arabic = network.group.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    assert arabic.pk != network.group.pk
    assert is_member(people["member"], arabic)
    assert not is_member(people["outsider"], arabic)
