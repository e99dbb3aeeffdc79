"""The registration engine: places, waiting list, tokens, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import registrations as engine
from events.models import Registration

from .conftest import in_days

pytestmark = pytest.mark.django_db
S = Registration.Status


def test_anonymous_sign_up_holds_places_until_the_link_confirms_it(event, commit):
    with commit():
        registration = engine.sign_up(event, email="Nour@Example.org", party_size=3, language="ar")
    assert registration.status == S.HELD
    assert registration.email == "nour@example.org"
    assert engine.availability(event)["free"] == 7
    assert len(mail.outbox) == 1
    assert registration.token in mail.outbox[0].body
    with commit():
        confirmed = engine.confirm(registration.token)
    assert confirmed.status == S.CONFIRMED
    assert engine.availability(event)["confirmed"] == 3
    # the confirmation carries the event as .ics
    assert mail.outbox[-1].attachments[0][0] == "event.ics"


def test_confirming_twice_is_harmless(event):
    registration = engine.sign_up(event, email="a@example.org")
    engine.confirm(registration.token)
    assert engine.confirm(registration.token).status == S.CONFIRMED
    assert Registration.objects.count() == 1


def test_logged_in_user_is_confirmed_in_one_click(event, user):
    registration = engine.sign_up(event, email=user.email, user=user)
    assert registration.status == S.CONFIRMED
    assert list(engine.registered_users(event)) == [user]


def test_user_signing_up_someone_else_still_needs_the_link(event, user):
    registration = engine.sign_up(event, email="other@example.org", user=user)
    assert registration.status == S.HELD
    assert registration.user is None


def test_full_event_puts_people_on_the_waiting_list_and_promotes_in_order(event, commit):
    first = [engine.sign_up(event, email=f"p{i}@example.org", party_size=2) for i in range(5)]
    for r in first:
        engine.confirm(r.token)
    waiting = [engine.sign_up(event, email=f"w{i}@example.org") for i in range(3)]
    assert {r.status for r in waiting} == {S.WAITING}
    for r in waiting:
        engine.confirm(r.token)
    mail.outbox.clear()
    with commit():
        engine.cancel(first[0].token)
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [S.CONFIRMED, S.CONFIRMED, S.WAITING]
    promoted_mail = [m for m in mail.outbox if "w0@example.org" in m.to]
    assert promoted_mail and promoted_mail[0].attachments


def test_unconfirmed_hold_expires_and_frees_its_place_for_the_waiting_list(event):
    hold = engine.sign_up(event, email="late@example.org", party_size=4)
    others = [engine.sign_up(event, email=f"o{i}@example.org", party_size=3) for i in range(2)]
    for r in others:
        engine.confirm(r.token)
    waiting = engine.sign_up(event, email="next@example.org", party_size=4)
    engine.confirm(waiting.token)
    assert Registration.objects.get(pk=waiting.pk).status == S.WAITING
    assert engine.expire_holds(timezone.now() + timedelta(hours=2)) == 1
    assert Registration.objects.get(pk=hold.pk).status == S.EXPIRED
    assert Registration.objects.get(pk=waiting.pk).status == S.CONFIRMED
    with pytest.raises(engine.SignupError) as error:
        engine.confirm(hold.token)
    assert error.value.code == "expired"


def test_party_larger_than_what_is_left_is_refused_without_a_record(event):
    engine.sign_up(event, email="a@example.org", party_size=4)
    engine.sign_up(event, email="b@example.org", party_size=4)
    with pytest.raises(engine.SignupError) as error:
        engine.sign_up(event, email="c@example.org", party_size=4)
    assert error.value.code == "party_too_large"
    assert "2" in error.value.message
    assert Registration.objects.count() == 2


def test_party_above_the_events_limit_is_refused(event):
    with pytest.raises(engine.SignupError) as error:
        engine.sign_up(event, email="a@example.org", party_size=5)
    assert error.value.code == "party_size"
    assert not Registration.objects.exists()


def test_duplicate_sign_up_is_refused(event):
    engine.sign_up(event, email="a@example.org")
    with pytest.raises(engine.SignupError) as error:
        engine.sign_up(event, email="A@example.org ")
    assert error.value.code == "duplicate"
    assert Registration.objects.count() == 1


def test_full_event_without_waiting_list_says_so(make_event):
    event = make_event(capacity=1, waiting_list=False)
    engine.sign_up(event, email="a@example.org")
    with pytest.raises(engine.SignupError) as error:
        engine.sign_up(event, email="b@example.org")
    assert error.value.code == "full"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"signup_closes": in_days(-1)}, "closed"),
        ({"signup_opens": in_days(2)}, "not_yet"),
        ({"cancelled": True}, "cancelled"),
        ({"registration_enabled": False}, "off"),
        ({"start": in_days(-3), "end": in_days(-3, 18)}, "past"),
    ],
)
def test_closed_sign_up_window_refuses(make_event, fields, code):
    event = make_event(**fields)
    with pytest.raises(engine.SignupError) as error:
        engine.sign_up(event, email="a@example.org")
    assert error.value.code == code
    assert not Registration.objects.exists()


@pytest.mark.parametrize("token", ["", "x" * 65, "forged-token-that-does-not-exist"])
def test_forged_tokens_are_refused(event, token):
    with pytest.raises(engine.SignupError) as error:
        engine.confirm(token)
    assert error.value.code == "bad_token"
    with pytest.raises(engine.SignupError):
        engine.cancel(token)


def test_cancelling_twice_is_refused(event):
    registration = engine.sign_up(event, email="a@example.org")
    engine.cancel(registration.token)
    with pytest.raises(engine.SignupError) as error:
        engine.cancel(registration.token)
    assert error.value.code == "inactive"


def test_workshop_full_puts_her_on_its_waiting_list_and_promotes_her(conference, user, commit):
    housing = conference.workshops.get(title="Wohnen")
    first = engine.sign_up(conference, kind="participant", email="a@example.org", workshop=housing)
    engine.confirm(first.token)
    second = engine.sign_up(
        conference, kind="participant", email=user.email, user=user, workshop=housing
    )
    assert second.status == S.CONFIRMED
    assert second.children.get().status == S.WAITING
    mail.outbox.clear()
    with commit():
        engine.cancel(first.token)
    assert second.children.get().status == S.CONFIRMED
    assert any(user.email in m.to for m in mail.outbox)


def test_helper_shifts_have_slots_and_registered_users_lists_helpers(festival, user, make_user):
    cake = festival.shifts.get(title="Kuchenstand")
    engine.sign_up(festival, kind="helper", email=user.email, user=user, shift=cake)
    other = make_user("helper2@example.org")
    second = engine.sign_up(festival, kind="helper", email=other.email, user=other, shift=cake)
    assert second.status == S.WAITING
    assert list(engine.registered_users(festival, kind="helper")) == [user]
    assert list(engine.registered_users(festival, kind="visitor")) == []


def test_contribution_needs_the_organisers_approval(festival):
    offer = engine.sign_up(
        festival,
        kind="contribution",
        email="family@example.org",
        contribution_kind="dish",
        contribution_text="Mansaf",
    )
    engine.confirm(offer.token)
    offer.refresh_from_db()
    assert offer.status == S.REQUESTED
    engine.decide_contribution(offer, approve=True)
    offer.refresh_from_db()
    assert offer.status == S.CONFIRMED
    with pytest.raises(engine.SignupError):
        engine.decide_contribution(offer, approve=False)


def test_mail_is_written_in_the_registrants_language(event, commit):
    with commit():
        engine.sign_up(event, email="a@example.org", language="ar")
    assert "ال" in mail.outbox[0].body  # Arabic text


def test_reminder_goes_out_once_a_day_before(make_event, user, commit):
    from events.tasks import send_reminders

    tomorrow = make_event(start=in_days(1, 10))
    engine.sign_up(tomorrow, email=user.email, user=user)
    mail.outbox.clear()
    with commit():
        assert send_reminders(now=in_days(0, 12)) == 1
    with commit():
        assert send_reminders(now=in_days(0, 13)) == 0
    assert len(mail.outbox) == 1


def test_personal_data_is_deleted_after_the_configured_days(make_event, settings):
    settings.EVENTS_DELETE_PERSONAL_DATA_AFTER_DAYS = 30
    old = make_event(start=in_days(5), end=in_days(5, 18))
    registration = engine.sign_up(
        old, email="a@example.org", name="Nour", answers={"Diät": "vegan"}
    )
    assert engine.anonymise_past(now=in_days(20)) == 0
    assert engine.anonymise_past(now=in_days(40)) == 1
    registration.refresh_from_db()
    assert (registration.email, registration.name, registration.answers) == ("", "", {})
    with pytest.raises(engine.SignupError):
        engine.cancel(registration.token)


def test_a_new_sign_up_on_a_full_event_frees_expired_holds_first(event):
    hold = engine.sign_up(event, email="late@example.org", party_size=4)
    for i in range(2):
        engine.confirm(engine.sign_up(event, email=f"o{i}@example.org", party_size=3).token)
    later = timezone.now() + timedelta(hours=2)
    newcomer = engine.sign_up(event, email="new@example.org", party_size=4, now=later)
    assert Registration.objects.get(pk=hold.pk).status == S.EXPIRED
    assert newcomer.status == S.HELD


def test_a_sign_up_confirmed_at_once_is_announced_without_asking_more_under_the_lock(event, user):
    """Everyone else of a rush waits while the event's row is locked: announcing the confirmed
    place (``registration_confirmed``) asks nothing more there than the sign-up itself (the
    event's site is asked before the lock; the registration and event are those in hand)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from treffpunkt.signals import registration_confirmed

    heard = []

    def receiver(sender, registration, event, **kwargs):
        heard.append((sender, registration.status, registration.email, event.pk))

    registration_confirmed.connect(receiver, dispatch_uid="test_announced_under_the_lock")
    try:
        with CaptureQueriesContext(connection) as queries:
            registration = engine.sign_up(event, email=user.email, user=user)
    finally:
        registration_confirmed.disconnect(dispatch_uid="test_announced_under_the_lock")
    assert registration.status == Registration.Status.CONFIRMED
    assert heard == [(event.get_site(), "confirmed", user.email, event.pk)]
    under_the_lock = _between_lock_and_release(queries)
    # the lock, one count of places and duplicates, the new row
    assert len(under_the_lock) == 3, under_the_lock


def _between_lock_and_release(queries) -> list[str]:
    """The queries from the lock of the event's row to the end of the sign-up's transaction."""
    from django.db import connection

    sql = [q["sql"] for q in queries.captured_queries]
    # the lock: the event's two counting columns, read FOR UPDATE on PostgreSQL (SQLite has no
    # row locks; its writers queue for the whole database, and the same read starts the count)
    locked = next(i for i, q in enumerate(sql) if '"waiting_list" AS "waiting_list" FROM' in q)
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in sql[locked]
    # the event's own row only: the page tree's order would join (and wait on) the page table
    assert "wagtailcore_page" not in sql[locked], sql[locked]
    released = next(i for i, q in enumerate(sql) if i > locked and "RELEASE SAVEPOINT" in q)
    return sql[locked:released]


def test_a_signed_in_sign_up_that_waits_asks_nothing_after_its_row_and_announces_nothing(
    event, user
):
    """A full event in a rush: a member's one-click sign-up that goes to the waiting list has
    no place to announce and no run-out holds to free, so nothing more is asked under the lock
    (the registration was read again, and an UPDATE of no rows ran, before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from treffpunkt.signals import registration_confirmed, registration_ended

    for i in range(2):
        engine.confirm(engine.sign_up(event, email=f"o{i}@example.org", party_size=4).token)
    engine.confirm(engine.sign_up(event, email="o2@example.org", party_size=2).token)
    heard = []

    def receiver(sender, registration, **kwargs):
        heard.append(registration.email)

    registration_confirmed.connect(receiver, dispatch_uid="test_waits_confirmed")
    registration_ended.connect(receiver, dispatch_uid="test_waits_ended")
    try:
        with CaptureQueriesContext(connection) as queries:
            registration = engine.sign_up(event, email=user.email, user=user)
    finally:
        registration_confirmed.disconnect(dispatch_uid="test_waits_confirmed")
        registration_ended.disconnect(dispatch_uid="test_waits_ended")
    assert registration.status == S.WAITING
    assert heard == []
    under_the_lock = _between_lock_and_release(queries)
    # the lock, one count of places, duplicates and run-out holds, the new row
    assert len(under_the_lock) == 3, under_the_lock


def test_a_full_event_with_a_hold_run_out_still_frees_it_under_the_same_lock(event, user):
    """The other side of the count above: a run-out hold on a full event is freed by the next
    sign-up, the waiting list goes first, and the newcomer gets what is left."""
    hold = engine.sign_up(event, email="late@example.org", party_size=4)
    for i in range(2):
        engine.confirm(engine.sign_up(event, email=f"o{i}@example.org", party_size=3).token)
    waiting = engine.sign_up(event, email="wait@example.org", party_size=2)
    engine.confirm(waiting.token)
    assert Registration.objects.get(pk=waiting.pk).status == S.WAITING
    later = timezone.now() + timedelta(hours=2)
    newcomer = engine.sign_up(event, email=user.email, user=user, party_size=2, now=later)
    assert Registration.objects.get(pk=hold.pk).status == S.EXPIRED
    assert Registration.objects.get(pk=waiting.pk).status == S.CONFIRMED
    assert newcomer.status == S.CONFIRMED
    taken = Registration.objects.filter(event=event, status__in=engine.PLACE_TAKING)
    assert sum(taken.values_list("party_size", flat=True)) == 10  # the capacity, exactly
