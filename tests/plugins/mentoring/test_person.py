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
