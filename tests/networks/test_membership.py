"""Joining, deciding, leaving, posting: the emails, and bad input that changes nothing."""

from __future__ import annotations

from email.header import decode_header, make_header

import pytest

from networks import services
from networks.models import GroupPost, Membership
from networks.signals import membership_changed
from tests.helpers import body_text

from .conftest import HOST

pytestmark = pytest.mark.django_db


def test_join_request_approval_and_emails_in_each_persons_language(
    client, network, people, make_user, network_members_group, smtp_settings, commit
):
    applicant = make_user("amal@example.org", first_name="Amal", preferred_language="ar")
    applicant.groups.add(network_members_group)
    people["coordinator"].preferred_language = "de"
    people["coordinator"].save()

    client.force_login(applicant)
    with commit():
        response = client.post(
            network.group.url + "beitreten/", {"message": "Ich übersetze gern."}, **HOST
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user=applicant)
    assert membership.status == "requested"
    mails = smtp_settings.to("coordinator@example.org")
    assert len(mails) == 1
    text = body_text(mails[0])
    assert "Amal" in text and "Ich übersetze gern." in text
    assert "http://beckum.test/netzwerk/arbeitsgruppen/kontakt-mit-behoerden/intern/" in text
    assert not smtp_settings.to("member2@example.org")  # plain members are not asked

    coordinator = client.__class__()
    coordinator.force_login(people["coordinator"])
    with commit():
        coordinator.post(
            network.group.url + "intern/mitglieder/",
            {"membership": membership.pk, "action": "approve"},
            **HOST,
        )
    membership.refresh_from_db()
    assert membership.status == "active"
    assert membership.decided_by == people["coordinator"]
    welcome = smtp_settings.to("amal@example.org")
    assert len(welcome) == 1
    subject = str(make_header(decode_header(welcome[0]["Subject"])))
    assert subject == "مرحبًا بك في „Kontakt mit Behörden“"
    assert "أصبحت الآن عضوًا" in body_text(welcome[0])
    assert client.get(network.group.url + "intern/", **HOST).status_code == 200


def test_decline_sends_a_mail_and_gives_no_access(
    client, network, people, make_user, mailoutbox, commit
):
    applicant = make_user("applicant@example.org")
    membership = services.request_to_join(applicant, network.group, "")
    with commit():
        services.decline(people["coordinator"], network.group, membership.pk)
    membership.refresh_from_db()
    assert membership.status == "declined"
    assert [m.to for m in mailoutbox][-1] == ["applicant@example.org"]
    client.force_login(applicant)
    assert client.get(network.group.url + "intern/", **HOST).status_code == 403


def test_approval_in_the_admin_mails_the_answer_too(network, make_user, mailoutbox, commit):
    """An integration manager who accepts a request under Admin > Working group memberships
    (a plain save of the row) sends the same welcome mail as a coordinator's button."""
    applicant = make_user("applicant@example.org")
    membership = services.request_to_join(applicant, network.group, "")
    mailoutbox.clear()
    with commit():
        membership = Membership.objects.get(pk=membership.pk)
        membership.status = Membership.Status.ACTIVE
        membership.save()
    assert [m.to for m in mailoutbox] == [["applicant@example.org"]]
    with commit():
        membership.role = Membership.Role.COORDINATOR
        membership.save()  # a later change of role is no second answer
    assert len(mailoutbox) == 1


def test_duplicate_request_is_refused_and_changes_nothing(client, network, people, make_user):
    applicant = make_user("applicant@example.org")
    services.request_to_join(applicant, network.group, "erste Nachricht")
    before = list(Membership.objects.values_list("pk", "status", "message"))
    with pytest.raises(services.MembershipError, match="bereits um Aufnahme gebeten"):
        services.request_to_join(applicant, network.group, "zweite")
    assert list(Membership.objects.values_list("pk", "status", "message")) == before


def test_member_cannot_join_twice_via_the_page(client, network, people):
    client.force_login(people["member"])
    response = client.post(network.group.url + "beitreten/", {"message": ""}, follow=True, **HOST)
    assert "bereits Mitglied dieser Arbeitsgruppe" in response.content.decode()
    assert Membership.objects.filter(user=people["member"]).count() == 1


def test_closed_group_takes_no_members(client, network, people):
    network.group.status = "closed"
    network.group.save_revision().publish()
    client.force_login(people["outsider"])
    response = client.post(network.group.url + "beitreten/", {"message": ""}, follow=True, **HOST)
    assert "nimmt keine neuen Mitglieder auf" in response.content.decode()
    assert not Membership.objects.filter(user=people["outsider"]).exists()


def test_oversized_message_is_refused(client, network, people):
    client.force_login(people["outsider"])
    response = client.post(
        network.group.url + "beitreten/", {"message": "x" * 1001}, follow=True, **HOST
    )
    assert "zu lang (höchstens 1000 Zeichen)" in response.content.decode()
    assert not Membership.objects.filter(user=people["outsider"]).exists()


def test_people_outside_the_network_cannot_join(client, network, make_user):
    stranger = make_user("stranger@example.org")
    client.force_login(stranger)
    response = client.post(network.group.url + "beitreten/", {"message": ""}, follow=True, **HOST)
    assert "Nur Mitglieder des Netzwerks" in response.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()


def test_join_form_messages_are_translated(client, network, people):
    client.force_login(people["member"])
    response = client.post(
        "/ar" + network.group.url + "beitreten/", {"message": ""}, follow=True, **HOST
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "أنت عضو بالفعل في مجموعة العمل هذه." in html


@pytest.mark.parametrize("forged", ["999999", "abc", "", "-1"])
def test_forged_or_unknown_request_ids_change_nothing(client, network, people, forged):
    client.force_login(people["coordinator"])
    before = list(Membership.objects.values_list("pk", "status"))
    response = client.post(
        network.group.url + "intern/mitglieder/",
        {"membership": forged, "action": "approve"},
        follow=True,
        **HOST,
    )
    assert response.status_code == 200
    assert "Diese Anfrage gibt es nicht." in response.content.decode()
    assert list(Membership.objects.values_list("pk", "status")) == before


def test_coordinator_cannot_decide_for_another_group(client, site, network, people, make_user):
    from networks.models import WorkingGroupPage

    from .conftest import publish

    other = publish(
        network.groups_index,
        WorkingGroupPage(title="Freizeit", slug="freizeit", purpose="Zusammen Freizeit gestalten."),
    )
    applicant = make_user("applicant@example.org")
    request = Membership.objects.create(working_group=other, user=applicant)
    client.force_login(people["coordinator"])
    # the coordinator's own group in the URL, the other group's request in the form
    client.post(
        network.group.url + "intern/mitglieder/",
        {"membership": request.pk, "action": "approve"},
        **HOST,
    )
    request.refresh_from_db()
    assert request.status == "requested"
    # and through the other group's URL they are no coordinator at all
    response = client.post(
        other.url + "intern/mitglieder/", {"membership": request.pk, "action": "approve"}, **HOST
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "requested"


def test_unknown_action_and_get_requests_are_refused(client, network, people):
    client.force_login(people["coordinator"])
    membership = Membership.objects.get(user=people["member"])
    client.post(
        network.group.url + "intern/mitglieder/",
        {"membership": membership.pk, "action": "delete_everything"},
        **HOST,
    )
    membership.refresh_from_db()
    assert membership.status == "active"
    assert client.get(network.group.url + "intern/mitglieder/", **HOST).status_code == 405
    assert client.get(network.group.url + "beitreten/", **HOST).status_code == 405


def test_answered_request_cannot_be_answered_again(network, people, make_user):
    applicant = make_user("applicant@example.org")
    membership = services.request_to_join(applicant, network.group)
    services.approve(people["coordinator"], network.group, membership.pk)
    with pytest.raises(services.MembershipError, match="bereits beantwortet"):
        services.decline(people["coordinator"], network.group, membership.pk)
    membership.refresh_from_db()
    assert membership.status == "active"


def test_leave_and_rejoin(client, network, people):
    client.force_login(people["member"])
    client.post(network.group.url + "verlassen/", **HOST)
    membership = Membership.objects.get(user=people["member"])
    assert membership.status == "left"
    assert client.get(network.group.url + "intern/", **HOST).status_code == 403
    client.post(network.group.url + "beitreten/", {"message": "wieder da"}, **HOST)
    membership.refresh_from_db()
    assert membership.status == "requested"
    assert Membership.objects.filter(user=people["member"]).count() == 1


def test_last_coordinator_cannot_leave_or_be_demoted(network, people):
    with pytest.raises(services.MembershipError, match="mindestens eine Koordination"):
        services.leave(people["coordinator"], network.group)
    own = Membership.objects.get(user=people["coordinator"])
    with pytest.raises(services.MembershipError):
        services.set_role(people["staff"], network.group, own.pk, "member")
    own.refresh_from_db()
    assert own.role == "coordinator" and own.status == "active"


def test_removed_person_cannot_request_again(network, people):
    membership = Membership.objects.get(user=people["member"])
    services.remove(people["coordinator"], network.group, membership.pk)
    with pytest.raises(services.MembershipError, match="entfernt"):
        services.request_to_join(people["member"], network.group)


def test_promote_to_coordinator(client, network, people):
    membership = Membership.objects.get(user=people["member"])
    client.force_login(people["coordinator"])
    client.post(
        network.group.url + "intern/mitglieder/",
        {"membership": membership.pk, "action": "make_coordinator"},
        **HOST,
    )
    membership.refresh_from_db()
    assert membership.role == "coordinator"
    from networks.membership import is_coordinator

    assert is_coordinator(people["member"], network.group)


def test_membership_changed_is_sent_for_every_change(network, people, make_user):
    seen = []

    def receiver(sender, membership, old_status, new_status, **kwargs):
        seen.append((membership.user.email, old_status, new_status))

    membership_changed.connect(receiver)
    try:
        applicant = make_user("applicant@example.org")
        m = services.request_to_join(applicant, network.group)
        services.approve(people["coordinator"], network.group, m.pk)
        services.remove(people["coordinator"], network.group, m.pk)
    finally:
        membership_changed.disconnect(receiver)
    assert seen == [
        ("applicant@example.org", None, "requested"),
        ("applicant@example.org", "requested", "active"),
        ("applicant@example.org", "active", "removed"),
    ]


def test_announcement_goes_to_members_who_opted_in(client, network, people, smtp_settings, commit):
    member = Membership.objects.get(user=people["member"])
    client.force_login(people["member"])
    client.post(network.group.url + "intern/emails/", {}, **HOST)  # unticked: no emails
    member.refresh_from_db()
    assert member.receive_announcements is False
    coordinator = client.__class__()
    coordinator.force_login(people["coordinator"])
    with commit():
        coordinator.post(
            network.group.url + "intern/beitrag/",
            {"kind": "announcement", "title": "Nächstes Treffen", "body": "am 3. Dezember"},
            **HOST,
        )
    assert GroupPost.objects.filter(title="Nächstes Treffen").exists()
    assert not smtp_settings.to("member2@example.org")
    assert not smtp_settings.to("coordinator@example.org")  # not to the author
    client.post(network.group.url + "intern/emails/", {"receive": "on"}, **HOST)
    with commit():
        coordinator.post(
            network.group.url + "intern/beitrag/",
            {"kind": "announcement", "title": "Raumänderung", "body": "Rathaus, Raum 2"},
            **HOST,
        )
    mails = smtp_settings.to("member2@example.org")
    assert len(mails) == 1
    assert "Raumänderung" in str(make_header(decode_header(mails[0]["Subject"])))


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "minutes", "title": "", "body": "x"},
        {"kind": "minutes", "title": "x" * 201, "body": "x"},
        {"kind": "gossip", "title": "t", "body": "x"},
        {"kind": "minutes", "title": "t", "body": "x", "meeting_date": "gestern"},
    ],
)
def test_bad_posts_are_refused(client, network, people, data):
    client.force_login(people["member"])
    response = client.post(network.group.url + "intern/beitrag/", data, **HOST)
    assert response.status_code == 400
    assert not GroupPost.objects.exists()


def test_oversized_upload_is_refused(client, network, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model

    from networks.forms import UploadForm

    client.force_login(people["member"])
    big = SimpleUploadedFile("gross.txt", b"x" * (UploadForm.MAX_SIZE + 1))
    response = client.post(
        network.group.url + "intern/dokument/", {"title": "Groß", "file": big}, **HOST
    )
    assert response.status_code == 400
    assert "zu groß (höchstens 20 MB)" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_request_and_withdraw_loops_stop_mailing_the_coordinators(
    client, network, people, smtp_settings, commit
):
    """Each join request mails the coordinators: three a day per person and group."""
    client.force_login(people["outsider"])
    for _round in range(6):
        with commit():
            client.post(network.group.url + "beitreten/", {"message": "Hallo"}, **HOST)
        with commit():
            client.post(network.group.url + "verlassen/", **HOST)
    assert len(smtp_settings.to("coordinator@example.org")) == 3
    response = client.post(network.group.url + "beitreten/", {"message": ""}, follow=True, **HOST)
    assert "Zu viele Anfragen" in response.content.decode()
