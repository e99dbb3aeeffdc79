"""Mention mails are one digest per person and hour: the first mention of someone who is
offline is mailed at once, the next ones within the hour wait and go out together in one
mail when the hour is over (the scheduler's ``chat_mention_digest`` job), never twice;
mentions read in the chat meanwhile, or of deleted messages, are left out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from plugins.chat import services
from plugins.chat.models import Mention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _many_messages(settings):
    settings.PLUGINS_CONFIG = {"chat": {"RATE_LIMIT_MESSAGES": 1000, "RATE_LIMIT_SECONDS": 60}}


def _hour_passes():
    """The last digest went out 61 minutes ago."""
    for mention in Mention.objects.filter(emailed_at__isnull=False):
        mention.emailed_at -= dt.timedelta(minutes=61)
        mention.save(update_fields=["emailed_at"])


def _post(member, room, text, capture):
    with capture(execute=True):
        return services.post_message(member, room, text).message


def test_one_mail_at_once_then_one_digest_an_hour(
    network_room, member, other_member, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mail.outbox.clear()
    _post(member, network_room, "@Olena erste Frage", capture)
    assert len(mail.outbox) == 1 and "erste Frage" in mail.outbox[0].body
    for n in range(2, 12):
        _post(member, network_room, f"@Olena Frage Nummer {n}", capture)
    assert len(mail.outbox) == 1  # ten more mentions within the hour: no mail yet
    call_command("chat_mention_digest", "--now")
    assert len(mail.outbox) == 1  # not due before the hour is over

    _hour_passes()
    call_command("chat_mention_digest", "--now")
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == ["olena.koval@example.org"]
    assert "Neue Erwähnungen im Chat: 10" in digest.subject
    assert all(f"Frage Nummer {n}" in digest.body for n in range(2, 12))
    assert "höchstens eine solche E-Mail pro Stunde" in digest.body
    assert not Mention.objects.filter(emailed_at__isnull=True).exists()
    call_command("chat_mention_digest", "--now")
    _hour_passes()
    call_command("chat_mention_digest", "--now")
    assert len(mail.outbox) == 2  # nothing is mailed twice


def test_a_digest_leaves_out_what_was_read_or_deleted(
    client, network_room, member, other_member, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    mail.outbox.clear()
    _post(member, network_room, "@Olena zuerst", capture)
    read = _post(member, network_room, "@Olena gelesen", capture)
    deleted = _post(member, network_room, "@Olena zurückgezogen", capture)
    waiting = _post(member, network_room, "@Olena wartet", capture)
    Mention.objects.filter(message=read).update(seen_at=deleted.created_at)
    services.delete_message(member, deleted.pk, network_room)
    _hour_passes()
    call_command("chat_mention_digest", "--now")
    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert "wartet" in body and "gelesen" not in body and "zurückgezogen" not in body
    assert f"#message-{waiting.pk}" in body
    # a single mention gets the subject that names the author and the room
    assert "Petra Wessel" in mail.outbox[1].subject


def test_the_scheduler_runs_the_digest_job():
    from django.conf import settings

    assert settings.PERIODIC_JOBS["chat_mention_digest"] <= 600
