"""From a mentee's application to an active match with its first check-in, through the
site's own pages and the links in the mails (test client, mails in Django's outbox)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from plugins.mentoring import services
from plugins.mentoring.models import Application, CheckIn, Match

from .conftest import in_days

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Rania Haddad",
    "email": "Rania@Example.org",
    "phone": "+49 170 1234567",
    "languages": ["ar", "de"],
    "seeks": ["homework"],
    "area": "Neubeckum",
    "availability": ["weekday_afternoon"],
    "family": "zwei Kinder, 6 und 9",
    "with_children": "",
    "share_phone": "on",
    "consent": "on",
}


def link_in(message, path_part: str) -> str:
    found = re.search(r"https?://[^\s]+" + re.escape(path_part) + r"[^\s]*", message.body)
    assert found, message.body
    return found.group(0).split("beckum.test", 1)[1]


def test_application_confirmation_proposal_acceptance_and_check_in(
    client, programme, mentor, coordinator, django_capture_on_commit_callbacks
):
    # 1. the mentee applies in Arabic, without an account
    url = f"/ar{reverse('plugins:mentoring:apply', args=[programme.pk])}"
    assert url.startswith("/ar/")
    page = client.get(url, HTTP_HOST="beckum.test")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, FORM, HTTP_HOST="beckum.test")
    assert sent.status_code == 302
    application = Application.objects.get()
    assert application.status == Application.Status.UNCONFIRMED
    assert application.email == "rania@example.org" and application.language == "ar"
    assert application.languages == "ar,de" and application.share_email is False
    (confirmation,) = mail.outbox
    assert confirmation.to == ["rania@example.org"]

    # 2. double opt-in: opening the link changes nothing, the button confirms
    confirm_path = link_in(confirmation, "/bewerbung/bestaetigen/")
    assert confirm_path.startswith("/ar/")
    assert client.get(confirm_path, HTTP_HOST="beckum.test").status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.UNCONFIRMED
    client.post(confirm_path, HTTP_HOST="beckum.test")
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING and application.consent_at

    # 3. the coordinator sees the suggestion with its reasons and proposes
    client.force_login(coordinator)
    detail = reverse("plugins:mentoring:application", args=[application.pk])
    shown = client.get(detail, HTTP_HOST="beckum.test")
    assert mentor.name in shown.text and "Neubeckum" in shown.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposed = client.post(
            detail,
            {
                "mentor": mentor.pk,
                "first_meeting_at": in_days(7).strftime("%Y-%m-%dT%H:%M"),
                "first_meeting_place": "Stadtbücherei Beckum",
            },
            HTTP_HOST="beckum.test",
        )
    assert proposed.status_code == 302
    match = Match.objects.get()
    assert match.status == Match.Status.PROPOSED
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.org", "rania@example.org"]
    mentee_mail = next(m for m in mail.outbox if m.to == ["rania@example.org"])
    mentor_mail = next(m for m in mail.outbox if m.to == ["mentor@example.org"])
    client.logout()

    # 4. both accept by POST; the mentor sees the mentee's contact only afterwards
    mentor_path = link_in(mentor_mail, "/antwort/")
    before = client.get(mentor_path, HTTP_HOST="beckum.test")
    assert "rania@example.org" not in before.text and "Rania" not in before.text
    client.post(mentor_path, {"action": "accept"}, HTTP_HOST="beckum.test")
    match.refresh_from_db()
    assert match.status == Match.Status.PROPOSED and match.mentor_accepted_at
    mail.outbox.clear()
    mentee_path = link_in(mentee_mail, "/antwort/")
    assert mentee_path.startswith("/ar/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(mentee_path, {"action": "accept"}, HTTP_HOST="beckum.test")
    match.refresh_from_db()
    assert match.status == Match.Status.ACTIVE and match.started_at
    application.refresh_from_db()
    assert application.status == Application.Status.MATCHED
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["koordination@example.org", "mentor@example.org", "rania@example.org"]
    for message in mail.outbox:
        (name, ics, mimetype) = message.attachments[0]
        event = Calendar.from_ical(ics).walk("VEVENT")[0]
        assert event["LOCATION"] == "Stadtbücherei Beckum"
        assert event.decoded("DTSTART") == match.first_meeting_at
        assert event["UID"] == f"mentoring-match-{match.pk}@beckum.test"
    after = client.get(mentor_path, HTTP_HOST="beckum.test")
    assert "rania@example.org" not in after.text  # she did not share it
    assert "+49 170 1234567" in after.text

    # 5. the first check-in, with the flag, reaches the coordinator's attention list
    client.post(
        mentee_path,
        {"action": "checkin", "mood": "difficult", "note": "", "please_contact": "on"},
        HTTP_HOST="beckum.test",
    )
    checkin = CheckIn.objects.get()
    assert checkin.side == "mentee" and checkin.please_contact
    (item,) = services.needing_attention([programme])
    assert item["match"] == match and item["flagged"]


def test_bad_application_changes_nothing(client, programme):
    url = reverse("plugins:mentoring:apply", args=[programme.pk])
    for bad in (
        {},
        {**FORM, "email": "not an address"},
        {**FORM, "languages": ["xx"]},
        {**FORM, "seeks": ["bribery"]},
        {**FORM, "name": "x" * 201},
        {**FORM, "consent": ""},
        {**FORM, "name": "   "},
    ):
        answer = client.post(url, bad, HTTP_HOST="beckum.test")
        assert answer.status_code == 200, bad
        assert "error-summary" in answer.text
    assert not Application.objects.exists()


def test_application_to_another_towns_programme_is_404(client, other_programme):
    url = reverse("plugins:mentoring:apply", args=[other_programme.pk])
    assert client.get(url, HTTP_HOST="beckum.test").status_code == 404
    assert client.get(url, HTTP_HOST="borken.test").status_code == 200


@pytest.mark.parametrize("code", ["x", "forged:abc", "a" * 100])
def test_forged_confirmation_link_is_refused(client, programme, code):
    answer = client.post(reverse("plugins:mentoring:confirm", args=[code]), HTTP_HOST="beckum.test")
    assert answer.status_code == 400


def test_expired_confirmation_link_is_refused(client, programme, settings, time_machine=None):
    from .conftest import make_application

    application = make_application(programme, status=Application.Status.UNCONFIRMED)
    code = services.confirmation_code(application)
    from django.core import signing

    signer = signing.TimestampSigner(salt=services.CONFIRM_SALT)
    old = signer.sign(application.token)
    # a code signed 8 days ago: forge its timestamp with the same key
    value, stamp, signature = old.rsplit(":", 2)
    import time

    signer_old = signing.TimestampSigner(salt=services.CONFIRM_SALT)
    signer_old.timestamp = lambda: signing.b62_encode(int(time.time()) - 8 * 86400)
    expired = signer_old.sign(application.token)
    answer = client.post(
        reverse("plugins:mentoring:confirm", args=[expired]), HTTP_HOST="beckum.test"
    )
    assert answer.status_code == 400
    application.refresh_from_db()
    assert application.status == Application.Status.UNCONFIRMED
    assert (
        client.post(
            reverse("plugins:mentoring:confirm", args=[code]), HTTP_HOST="beckum.test"
        ).status_code
        == 200
    )


def test_decline_lets_the_application_wait_again(programme, mentor, application, coordinator):
    match = services.propose(application, mentor, by=coordinator)
    assert services.decline(match, "mentee")
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING
    assert match.status == Match.Status.DECLINED
    assert not services.accept(match, "mentor")  # a declined match cannot be accepted


def test_accepting_twice_changes_nothing(programme, mentor, application, coordinator):
    match = services.propose(application, mentor, by=coordinator)
    assert services.accept(match, "mentor")
    first = match.mentor_accepted_at
    assert not services.accept(match, "mentor")
    match.refresh_from_db()
    assert match.mentor_accepted_at == first and match.status == Match.Status.PROPOSED


def test_second_proposal_for_the_same_application_is_refused(
    programme, mentor, application, coordinator
):
    from django.core.exceptions import ValidationError

    from .conftest import make_mentor

    services.propose(application, mentor, by=coordinator)
    with pytest.raises(ValidationError):
        services.propose(application, make_mentor(programme, "Other Mentor"), by=coordinator)
    assert Match.objects.count() == 1


def test_unknown_action_and_forged_token(
    client, programme, other_site, mentor, application, coordinator
):
    match = services.propose(application, mentor, by=coordinator)
    url = reverse("plugins:mentoring:answer", args=[match.mentee_token])
    assert client.post(url, {"action": "explode"}, HTTP_HOST="beckum.test").status_code == 400
    forged = reverse("plugins:mentoring:answer", args=["forged-token"])
    assert client.get(forged, HTTP_HOST="beckum.test").status_code == 404
    # the right token on another town's host name is refused too
    assert client.get(url, HTTP_HOST="borken.test").status_code == 404


def test_check_in_bad_input(client, programme, mentor, application, coordinator):
    match = services.propose(application, mentor, by=coordinator)
    services.accept(match, "mentor")
    services.accept(match, "mentee")
    url = reverse("plugins:mentoring:answer", args=[match.mentor_token])
    for bad in (
        {"action": "checkin"},
        {"action": "checkin", "mood": "ecstatic"},
        {"action": "checkin", "mood": "good", "note": "x" * 2001},
    ):
        assert client.post(url, bad, HTTP_HOST="beckum.test").status_code == 200
    assert not CheckIn.objects.exists()


def test_proposing_a_mentor_of_another_programme_is_refused(
    client, programme, other_programme, mentor, application, coordinator
):
    from django.core.exceptions import ValidationError

    from .conftest import make_mentor

    stranger = make_mentor(other_programme, "Borken Mentor")
    client.force_login(coordinator)
    url = reverse("plugins:mentoring:application", args=[application.pk])
    for bad in ({"mentor": stranger.pk}, {"mentor": "x"}, {"mentor": "99999999999"}, {}):
        answer = client.post(url, bad, HTTP_HOST="beckum.test")
        assert answer.status_code == 400, bad
    with pytest.raises(ValidationError):
        services.propose(application, stranger, by=coordinator)
    assert not Match.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING


def test_application_in_easy_german_gets_german_mails(
    client, programme, django_capture_on_commit_callbacks
):
    """Leichte Sprache is a content language, not a language of mails: an application sent
    under its prefix is taken (it was refused as an invalid choice) and mails go in German."""
    url = "/de-x-ls" + reverse("plugins:mentoring:apply", args=[programme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, FORM, HTTP_HOST="beckum.test")
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.language == "de"
    (confirmation,) = mail.outbox
    assert "bestätigen" in confirmation.body.lower() or "bestaetigen" in confirmation.body
