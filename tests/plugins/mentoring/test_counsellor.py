"""A counselling service applies for someone: only the town's network members; the
person's consent is recorded with the counsellor's name; the double opt-in goes to the
person's address when given, otherwise to the counsellor, who then also gets the person's
later mails."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from plugins.mentoring import services
from plugins.mentoring.models import Application
from treffpunkt.accounts import roles

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "beckum.test"}

FORM = {
    "name": "Ahmad Karimi",
    "email": "",
    "language": "ar",
    "languages": ["fa", "de"],
    "seeks": ["authorities"],
    "availability": ["weekday_morning"],
    "share_phone": "on",
    "consent": "on",
}


@pytest.fixture
def counsellor(make_user, site):
    person = make_user("beratung@caritas.example.org", first_name="Sabine", last_name="Roth")
    roles.make_network_member(person, site)
    return person


def _url(programme) -> str:
    return reverse("plugins:mentoring:apply_for", args=[programme.pk])


def _confirm_path(message) -> str:
    found = re.search(r"https?://beckum\.test(\S*/bewerbung/bestaetigen/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_with_the_persons_address_the_person_confirms(
    client, programme, counsellor, django_capture_on_commit_callbacks
):
    client.force_login(counsellor)
    page = client.get(_url(programme), **HOST)
    assert page.status_code == 200 and 'name="language"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(_url(programme), {**FORM, "email": "Ahmad@Example.org"}, **HOST)
    assert sent.status_code == 302
    application = Application.objects.get()
    assert application.applied_by == Application.AppliedBy.COUNSELLOR
    assert application.counsellor == counsellor and application.counsellor_name == "Sabine Roth"
    assert application.email == "ahmad@example.org" and application.language == "ar"
    assert application.status == Application.Status.UNCONFIRMED
    recorded = application.consent_at
    assert recorded and application.consent_text_version == services.CONSENT_VERSION
    (message,) = mail.outbox
    assert message.to == ["ahmad@example.org"]
    assert "Sabine Roth" in message.body and "نيابة عنك" in message.body  # Arabic, "for you"
    confirm = _confirm_path(message)
    assert confirm.startswith("/ar/")
    client.logout()
    client.post(confirm, **HOST)
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING
    assert application.consent_at == recorded  # the consent keeps its moment


def test_without_an_address_the_counsellor_confirms_and_gets_the_mails(
    client, programme, mentor, coordinator, counsellor, django_capture_on_commit_callbacks
):
    client.force_login(counsellor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(programme), {**FORM, "language": "de"}, **HOST)
    application = Application.objects.get()
    assert application.email == "" and application.counsellor_email == counsellor.email
    (message,) = mail.outbox
    assert message.to == [counsellor.email] and "für Ahmad Karimi" in message.body
    client.post(_confirm_path(message), **HOST)
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.propose(application, mentor, by=coordinator)
    assert sorted(m.to[0] for m in mail.outbox) == [counsellor.email, mentor.email]


def test_who_may_apply_for_someone(client, programme, other_programme, make_user, other_site):
    url = _url(programme)
    response = client.get(url, **HOST)
    assert response.status_code == 302 and "next=" in response["Location"]
    client.force_login(make_user("outsider@example.org"))
    assert client.get(url, **HOST).status_code == 404
    assert client.post(url, FORM, **HOST).status_code == 404
    # a network member of the other town, on this town's host
    borken = make_user("beratung@borken.example.org")
    roles.make_network_member(borken, other_site)
    client.force_login(borken)
    assert client.post(url, FORM, **HOST).status_code == 404
    assert not Application.objects.exists()


def test_other_towns_programme_and_bad_input(client, programme, other_programme, counsellor):
    client.force_login(counsellor)
    assert client.get(_url(other_programme), **HOST).status_code == 404
    for bad in (
        {**FORM, "consent": ""},
        {**FORM, "email": "not an address"},
        {**FORM, "language": "xx"},
        {**FORM, "languages": ["xx"]},
        {},
    ):
        response = client.post(_url(programme), bad, **HOST)
        assert response.status_code == 400
    assert not Application.objects.exists()


def test_a_deleted_counsellor_leaves_no_trace_on_the_applications(programme, counsellor):
    services.apply_on_behalf(
        programme,
        counsellor,
        name="Ahmad Karimi",
        email="ahmad@example.org",
        languages="fa",
        seeks=["authorities"],
    )
    counsellor.delete()
    application = Application.objects.get()
    assert application.counsellor is None and application.counsellor_email == ""
    assert application.counsellor_name == services.ANONYMOUS
    assert application.email == "ahmad@example.org"  # the person's own data stay
