"""A person's own data: the download at /konto/meine-daten.json holds their mentor profile and
applications; deleting the account removes their name and contact from the plugin."""

from __future__ import annotations

import json

import pytest

from plugins.mentoring.models import Application, MentorProfile

from .conftest import make_application

pytestmark = pytest.mark.django_db


def test_download_holds_own_profile_and_applications_only(client, programme, mentor, make_user):
    make_application(programme, email="mentor@example.org", name="Jonas as mentee")
    make_application(programme, email="stranger@example.org", name="Stranger")
    client.force_login(mentor.user)
    data = json.loads(client.get("/konto/meine-daten.json", HTTP_HOST="beckum.test").content)
    section = data["sections"]["mentoring"]
    assert [p["name"] for p in section["mentor_profiles"]] == [mentor.name]
    assert [a["name"] for a in section["applications"]] == ["Jonas as mentee"]
    assert "Stranger" not in json.dumps(data)


def test_deleting_the_account_removes_name_and_contact(programme, mentor):
    make_application(programme, email="mentor@example.org", name="Jonas as mentee")
    mentor.user.delete()
    profile = MentorProfile.objects.get(pk=mentor.pk)
    assert profile.user is None and profile.email == "" and profile.name == "–"
    assert not profile.active
    assert Application.objects.get().email == ""


def test_counsellors_download_lists_the_applications_they_made_for_others(
    client, programme, make_user, site
):
    from treffpunkt.accounts import roles

    counsellor = make_user("beratung@caritas.example.org", first_name="Sabine", last_name="Roth")
    roles.make_network_member(counsellor, site)
    colleague = make_user("beratung@diakonie.example.org")
    common = {
        "applied_by": Application.AppliedBy.COUNSELLOR,
        "counsellor_name": "Sabine Roth",
        "counsellor_email": counsellor.email,
        "consent_text_version": "2026-12",
    }
    make_application(
        programme, counsellor=counsellor, email="", name="Ahmad Karimi", phone="0151 1", **common
    )
    make_application(
        programme, counsellor=counsellor, email="leyla@example.org", name="Leyla Demir", **common
    )
    make_application(
        programme,
        counsellor=colleague,
        email="",
        name="Colleague's Person",
        applied_by=Application.AppliedBy.COUNSELLOR,
        counsellor_email=colleague.email,
    )
    make_application(programme, email="stranger@example.org", name="Stranger")

    client.force_login(counsellor)
    response = client.get("/konto/meine-daten.json", HTTP_HOST="beckum.test")
    assert response.status_code == 200
    data = json.loads(response.content)
    made = data["sections"]["mentoring"]["applications_made_for_others"]
    assert len(made) == 2
    without, with_address = made
    assert without["person_has_own_address"] is False
    # the person applied for is another person: their details are not in this download
    assert "person" not in without
    assert without["recorded_counsellor_name"] == "Sabine Roth"
    assert without["programme"] == programme.name and without["consent_text_version"] == "2026-12"
    assert with_address["person_has_own_address"] is True and "person" not in with_address
    body = response.content.decode()
    for other in (
        "Ahmad",
        "0151 1",
        "Leyla",
        "leyla@example.org",
        "Colleague",
        "Stranger",
        "diakonie",
    ):
        assert other not in body
