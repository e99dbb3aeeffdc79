"""Who reaches what: every view of the plugin for anonymous visitors, an outsider, the
mentor, another mentor, the mentee's token, the coordinator, a coordinator of another
programme, the town's manager, the other town's manager and a superuser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plugins.mentoring import services
from plugins.mentoring.models import MentorProfile, Programme

from .conftest import make_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    site, other_site, programme, other_programme, mentor, application, coordinator, make_user
):
    from treffpunkt.accounts import roles

    match = services.propose(application, mentor, by=coordinator)
    other_mentor_user = make_user("other-mentor@example.org")
    make_mentor(programme, "Other Mentor", user=other_mentor_user)
    sibling = Programme.objects.create(site=site, name="Jobtandems Beckum", kind="job")
    sibling_coordinator = make_user("job-koordination@example.org")
    sibling.coordinators.add(sibling_coordinator)
    manager = make_user("manager@example.org")
    roles.make_manager(manager, site)
    other_manager = make_user("manager-borken@example.org")
    roles.make_manager(other_manager, other_site)
    return {
        "match": match,
        "application": application,
        "people": {
            "anonymous": None,
            "outsider": make_user("outsider@example.org"),
            "mentor": mentor.user,
            "other mentor": other_mentor_user,
            "coordinator": coordinator,
            "coordinator of another programme": sibling_coordinator,
            "coordinator in the other town": other_programme.coordinators.get(),
            "manager": manager,
            "manager of the other town": other_manager,
            "superuser": make_user("root@example.org", is_superuser=True, is_staff=True),
        },
    }


COORDINATORS = {"coordinator", "manager", "superuser"}


def _get(client, person, url):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client.get(url, HTTP_HOST="beckum.test")


@pytest.mark.parametrize("view", ["application", "match"])
def test_coordinator_pages(client, world, view):
    target = world["application"] if view == "application" else world["match"]
    url = reverse(f"plugins:mentoring:{view}", args=[target.pk])
    for who, person in world["people"].items():
        answer = _get(client, person, url)
        if who in COORDINATORS:
            assert answer.status_code == 200, who
            assert "Rania Haddad" in answer.text, who
        elif person is None:
            assert (
                answer.status_code == 302
                and "/konto/" in answer["Location"]
                or (answer.status_code == 302)
            ), who
        else:
            assert answer.status_code == 404, who
            assert "Rania" not in answer.text, who


def test_coordination_overview(client, world):
    url = reverse("plugins:mentoring:coordination")
    for who, person in world["people"].items():
        answer = _get(client, person, url)
        if who in COORDINATORS:
            assert answer.status_code == 200 and "Rania Haddad" in answer.text, who
        elif who == "coordinator of another programme":
            assert answer.status_code == 200 and "Rania" not in answer.text, who
            assert "Jobtandems Beckum" in answer.text
        elif person is None:
            assert answer.status_code == 302, who
        else:
            assert answer.status_code == 404, who


def test_coordinator_cannot_act_on_another_programme(client, world):
    sibling = world["people"]["coordinator of another programme"]
    client.force_login(sibling)
    url = reverse("plugins:mentoring:match", args=[world["match"].pk])
    assert client.post(url, {"action": "pause"}, HTTP_HOST="beckum.test").status_code == 404
    world["match"].refresh_from_db()
    assert world["match"].status == "proposed"


def test_other_towns_manager_on_the_other_host_sees_nothing(client, world):
    client.force_login(world["people"]["manager of the other town"])
    for name, pk in (("application", world["application"].pk), ("match", world["match"].pk)):
        url = reverse(f"plugins:mentoring:{name}", args=[pk])
        assert client.get(url, HTTP_HOST="borken.test").status_code == 404
    # and the Beckum manager does not reach Beckum's data through Borken's host name
    client.force_login(world["people"]["manager"])
    url = reverse("plugins:mentoring:application", args=[world["application"].pk])
    assert client.get(url, HTTP_HOST="borken.test").status_code == 404


def test_my_matches_shows_own_matches_only(client, world):
    url = reverse("plugins:mentoring:my_matches")
    mentor_page = _get(client, world["people"]["mentor"], url)
    assert "Lesepaten Beckum" in mentor_page.text
    # proposed, not accepted: the mentee's name is not shown yet
    assert "Rania" not in mentor_page.text
    other = _get(client, world["people"]["other mentor"], url)
    assert world["match"].mentor_token not in other.text
    assert _get(client, None, url).status_code == 302


def test_mentee_token_reaches_only_its_match(client, world, programme):
    match = world["match"]
    page = client.get(
        reverse("plugins:mentoring:answer", args=[match.mentee_token]), HTTP_HOST="beckum.test"
    )
    assert page.status_code == 200 and "Jonas Weber" in page.text
    assert "mentor@example.org" not in page.text  # the mentor's address is not shown


def test_admin_lists_are_scoped_to_the_managers_town(client, world, other_programme):
    make_mentor(other_programme, "Borken Mentorin")
    client.force_login(world["people"]["manager"])
    listing = client.get(reverse("mentoring_mentors:index"), HTTP_HOST="beckum.test")
    assert listing.status_code == 200
    assert "Jonas Weber" in listing.text and "Borken Mentorin" not in listing.text
    borken_mentor = MentorProfile.objects.get(name="Borken Mentorin")
    edit = reverse("mentoring_mentors:edit", args=[borken_mentor.pk])
    assert client.get(edit, HTTP_HOST="beckum.test").status_code == 404
    client.force_login(world["people"]["manager of the other town"])
    listing = client.get(reverse("mentoring_applications:index"), HTTP_HOST="borken.test")
    assert listing.status_code == 200 and "Rania" not in listing.text


def test_plugin_switched_off_answers_404(client, world, site):
    from treffpunkt.plugins.models import PluginSettings

    PluginSettings.set_enabled(site, "mentoring", False)
    client.force_login(world["people"]["coordinator"])
    for url in (
        reverse("plugins:mentoring:coordination"),
        reverse("plugins:mentoring:answer", args=[world["match"].mentee_token]),
        reverse("plugins:mentoring:programmes"),
    ):
        assert client.get(url, HTTP_HOST="beckum.test").status_code == 404
