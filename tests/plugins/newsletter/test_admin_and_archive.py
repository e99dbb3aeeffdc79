"""The editor's desk (access, preview, test, send, import) and the public archive with feed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plugins.newsletter.models import Mailing, NewsletterPage, Subscriber
from treffpunkt.accounts.roles import make_manager, make_network_member

from .conftest import add_subscribers, make_issue

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def manager(site, make_user):
    person = make_user("integration@beckum.example", is_staff=False)
    make_manager(person, site)
    return person


@pytest.fixture
def member(site, make_user):
    person = make_user("mitglied@example.org")
    make_network_member(person, site)
    return person


@pytest.fixture
def coordinator(site, make_user):
    """Coordinates a working group: no say over the newsletter because of that."""
    from networks.models import Membership
    from tests.networks.conftest import build_network

    network = build_network(site)
    person = make_user("koordination@example.org")
    Membership.objects.create(
        working_group=network.group,
        user=person,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    )
    return person


def admin_urls(issue):
    return [
        "/admin/newsletter/",
        f"/admin/newsletter/issue/{issue.pk}/",
        f"/admin/newsletter/issue/{issue.pk}/preview/de/",
        "/admin/newsletter/import/",
        "/admin/newsletter/export/",
        "/admin/newsletter/subscribers/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "user", "member", "coordinator"])
def test_outsiders_cannot_reach_the_newsletter_desk(client, site, issue, who, request):
    add_subscribers(site, 2)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in admin_urls(issue):
        response = client.get(url, **HOST)
        assert response.status_code in (302, 403), url
        assert b"leser0@example.org" not in response.content
    response = client.post(f"/admin/newsletter/issue/{issue.pk}/send/", {"when": "now"}, **HOST)
    assert response.status_code in (302, 403)
    assert not Mailing.objects.exists()


@pytest.mark.parametrize("who", ["manager", "staff"])
def test_managers_and_staff_use_the_desk(client, site, issue, who, request, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    add_subscribers(site, 2)
    client.force_login(request.getfixturevalue(who))
    for url in admin_urls(issue):
        assert client.get(url, **HOST).status_code == 200, url
    export = client.get("/admin/newsletter/export/", **HOST).content.decode()
    assert "leser0@example.org" in export


def test_issue_desk_counts_editions_previews_tests_and_sends(
    client, site, issue, staff, settings, django_capture_on_commit_callbacks
):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    add_subscribers(site, 5, languages=("de", "ar"))
    client.force_login(staff)
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/", **HOST)
    assert page.context["counts"] == [("de", 5)]  # Arabic readers get the German edition

    preview = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/de/", **HOST)
    assert f"Hallo {staff.email}!" in preview.content.decode()
    text = client.get(f"/admin/newsletter/issue/{issue.pk}/preview/de/?format=text", **HOST)
    assert "Sprachcafé" in text.content.decode() and "<" not in text.content.decode()

    client.post(f"/admin/newsletter/issue/{issue.pk}/test/", {"language": "de"}, **HOST)
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert mail.outbox[0].subject.startswith("[Test]")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/newsletter/issue/{issue.pk}/send/", {"when": "now", "confirmed": "5"}, **HOST
        )
    mailing = Mailing.objects.get()
    assert mailing.status == Mailing.Status.FINISHED
    assert len(mail.outbox) == 6
    stats = client.get(f"/admin/newsletter/issue/{issue.pk}/", **HOST).context["stats"]
    assert stats["sent"] == 5 and stats["failed"] == 0


def test_send_of_a_broken_issue_shows_the_reason_and_sends_nothing(
    client, site, archive, staff, settings
):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    add_subscribers(site, 2)
    broken = make_issue(archive, title="Kaputt")
    NewsletterPage.objects.filter(pk=broken.pk).update(intro="Hallo {{ vorname }}")
    client.force_login(staff)
    response = client.post(
        f"/admin/newsletter/issue/{broken.pk}/send/", {"when": "now"}, follow=True, **HOST
    )
    assert "{{ vorname }}" in response.content.decode()
    assert not Mailing.objects.exists() and not mail.outbox
    response = client.post(
        f"/admin/newsletter/issue/{broken.pk}/send/",
        {"when": "later", "send_at": ""},
        follow=True,
        **HOST,
    )
    assert not Mailing.objects.exists()


def test_import_through_the_desk(client, site, topic, staff, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(staff)
    upload = SimpleUploadedFile("liste.csv", b"email\nkaputt\n", content_type="text/csv")
    response = client.post(
        "/admin/newsletter/import/",
        {"site": site.pk, "file": upload, "source": "Liste", "dry_run": ""},
        **HOST,
    )
    assert response.status_code == 200
    assert response.context["report"].errors
    assert not Subscriber.objects.exists()


def test_archive_lists_only_sent_issues_and_has_a_feed(
    client, site, archive, settings, django_capture_on_commit_callbacks
):
    add_subscribers(site, 1)
    sent = make_issue(archive, title="Ausgabe Mai")
    unsent = make_issue(archive, title="Entwurf Juni")
    from plugins.newsletter import delivery

    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_mailing(sent, None)
    html = client.get("/newsletter-archiv/", **HOST).content.decode()
    assert "Ausgabe Mai" in html and "Entwurf Juni" not in html
    assert client.get(sent.url, **HOST).status_code == 200
    assert client.get(unsent.url, **HOST).status_code == 404
    feed = client.get("/newsletter-archiv/feed/", **HOST)
    assert feed["Content-Type"].startswith("application/rss+xml")
    assert b"Ausgabe Mai" in feed.content and b"Entwurf Juni" not in feed.content


def test_archive_query_count_does_not_grow_with_issues(client, site, archive):
    from datetime import timedelta

    from django.utils import timezone

    from plugins.newsletter.models import Mailing

    def add(n, start):
        for i in range(start, start + n):
            page = make_issue(archive, title=f"Ausgabe {i}", slug=f"ausgabe-{i}")
            Mailing.objects.create(
                page=page,
                translation_key=page.translation_key,
                site=site,
                status=Mailing.Status.FINISHED,
                send_at=timezone.now() - timedelta(days=i),
            )

    add(2, 0)
    client.get("/newsletter-archiv/", **HOST)
    with CaptureQueriesContext(connection) as few:
        client.get("/newsletter-archiv/", **HOST)
    add(25, 2)
    client.get("/newsletter-archiv/", **HOST)  # new issues renew the shared chrome once
    with CaptureQueriesContext(connection) as many:
        response = client.get("/newsletter-archiv/", **HOST)
    assert "Ausgabe 26" in response.content.decode()
    assert len(many) <= len(few) + 1


def test_the_archive_list_is_kept_until_an_issue_goes_out(
    client, site, archive, settings, django_capture_on_commit_callbacks
):
    """The list of sent issues is the same for everyone: a warm process reads no issue for
    it; an issue sent shows at once, and each page of the archive has its own list."""
    from plugins.newsletter import delivery

    settings.PAGE_CACHE_SECONDS = 0  # as for members and addresses with a query
    add_subscribers(site, 1)
    first = make_issue(archive, title="Ausgabe Mai")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_mailing(first, None)
    assert "Ausgabe Mai" in client.get("/newsletter-archiv/", **HOST).content.decode()
    with CaptureQueriesContext(connection) as warm:
        html = client.get("/newsletter-archiv/", **HOST).content.decode()
    assert "Ausgabe Mai" in html and 'href="/newsletter-archiv/ausgabe-mai/"' in html
    assert not [q for q in warm if "newsletter_mailing" in q["sql"]]

    second = make_issue(archive, title="Ausgabe Juni")
    assert "Ausgabe Juni" not in client.get("/newsletter-archiv/", **HOST).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        delivery.start_mailing(second, None)
    html = client.get("/newsletter-archiv/", **HOST).content.decode()
    assert "Ausgabe Juni" in html and "Ausgabe Mai" in html
    # a page past the last shows the last; a made-up page number is not kept
    assert "Ausgabe Juni" in client.get("/newsletter-archiv/?page=7", **HOST).content.decode()
    assert "Ausgabe Juni" in client.get("/newsletter-archiv/?page=x", **HOST).content.decode()


@pytest.mark.parametrize("asked", ["²", "١", "9" * 5000, "-1", "0", " 1"])
def test_any_page_number_in_the_address_shows_the_archive(client, site, archive, settings, asked):
    """Digits that are not ASCII ("²", Arabic-Indic "١") and numbers too long for int() made
    the archive fail with a server error; each shows a page of the archive."""
    settings.PAGE_CACHE_SECONDS = 0
    response = client.get("/newsletter-archiv/", {"page": asked}, **HOST)
    assert response.status_code == 200
