"""The managers' "sends in progress" panel on the admin's start page (issue 16): scheduled,
running and paused sends of their own town with their progress; finished and cancelled
sends, the other town's sends and a switched-off plugin show nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plugins.newsletter.models import Delivery, Mailing, NewsletterIndexPage
from treffpunkt.accounts.roles import make_manager
from treffpunkt.plugins.models import PluginSettings

from .conftest import add_subscribers, make_issue

pytestmark = pytest.mark.django_db
BECKUM = {"HTTP_HOST": "beckum.test"}


def _mailing(page, status, subscribers, statuses=(), **extra) -> Mailing:
    mailing = Mailing.objects.create(
        page=page,
        translation_key=page.translation_key,
        site=page.get_site(),
        status=status,
        send_at=extra.pop("send_at", timezone.now()),
        **extra,
    )
    Delivery.objects.bulk_create(
        [
            Delivery(mailing=mailing, subscriber=s, language=s.language, status=st)
            for s, st in zip(subscribers, statuses, strict=False)
        ]
    )
    return mailing


@pytest.fixture
def manager(site, make_user):
    person = make_user("integration@beckum.example", first_name="Ines", last_name="Brand")
    make_manager(person, site)
    return person


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"), **BECKUM)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def sends(site, other_site, archive):
    readers = add_subscribers(site, 4)
    S = Delivery.Status
    running = _mailing(
        make_issue(archive, title="Ausgabe März", slug="maerz"),
        Mailing.Status.RUNNING,
        readers,
        [S.SENT, S.SENT, S.FAILED, S.PENDING],
        started_at=timezone.now(),
    )
    scheduled = _mailing(
        make_issue(archive, title="Ausgabe April", slug="april"),
        Mailing.Status.SCHEDULED,
        [],
        send_at=timezone.now() + dt.timedelta(days=2),
    )
    _mailing(make_issue(archive, title="Ausgabe Januar", slug="januar"), "finished", [])
    _mailing(make_issue(archive, title="Ausgabe Februar", slug="februar"), "cancelled", [])
    far_archive = NewsletterIndexPage(title="Newsletter", slug="newsletter-borken")
    other_site.root_page.add_child(instance=far_archive)
    far_readers = add_subscribers(other_site, 1, prefix="borken")
    _mailing(
        make_issue(far_archive, title="Borkener Brief", slug="borkener-brief"),
        Mailing.Status.RUNNING,
        far_readers,
        [S.PENDING],
    )
    return running, scheduled


def test_manager_sees_own_towns_sends_with_progress(client, manager, sends):
    running, scheduled = sends
    html = _home(client, manager)
    assert "Laufende Newsletter-Versände" in html
    assert "Ausgabe März" in html and "Ausgabe April" in html
    row = html[html.index("Ausgabe März") : html.index("</tr>", html.index("Ausgabe März"))]
    assert 'value="75"' in row  # 3 of 4 done (2 sent, 1 failed)
    assert "3 von 4 erledigt, 1 fehlgeschlagen" in html
    assert reverse("newsletter_admin:issue", args=[running.page_id]) in html
    for absent in ("Ausgabe Januar", "Ausgabe Februar", "Borkener Brief"):
        assert absent not in html


def test_plugin_off_or_nothing_running_shows_no_panel(client, manager, sends, site):
    running, scheduled = sends
    Mailing.objects.filter(pk__in=[running.pk, scheduled.pk]).update(status="finished")
    html = _home(client, manager)
    assert "Laufende Newsletter-Versände" not in html and "Ausgabe März" not in html
    Mailing.objects.filter(pk=running.pk).update(status="running")
    assert "Ausgabe März" in _home(client, manager)
    PluginSettings.set_enabled(site, "newsletter", False)
    assert "Ausgabe März" not in _home(client, manager)
