"""The registration engine shared by every kind of event.

Every change to who holds a place happens inside ``transaction.atomic`` with the event's row
locked (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the settings open every
transaction with ``BEGIN IMMEDIATE``, so writers queue behind one another). Under that lock
the engine expires stale holds, promotes the waiting list, counts the places taken (in
people, ``party_size``) and only then places the newcomer: capacity is never exceeded, and
nobody who signed up later overtakes someone already waiting.

Places are counted per *bucket*: the event itself (visitors, participants, speakers, press),
each workshop of a conference, each helper shift of a festival. Contributions to a festival
take no place; they wait for the organiser's approval.

Mails go out after the transaction commits, through the Tasks API (see :mod:`events.tasks`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from treffpunkt.core import compiled, pagecache
from treffpunkt.core.dbretry import retry_once

from . import places
from .models import EventPage, HelperShift, Registration, Workshop

S = Registration.Status
K = Registration.Kind

#: statuses of a registration that is still alive (counts as a duplicate)
ACTIVE = (S.HELD, S.CONFIRMED, S.WAITING, S.REQUESTED)
PLACE_TAKING = (S.HELD, S.CONFIRMED)
#: the kinds that take a place of the event itself
ATTENDEE_KINDS = (K.VISITOR, K.PARTICIPANT, K.SPEAKER, K.PRESS)


class SignupError(Exception):
    """A sign-up, confirmation or cancellation that cannot be done; the message is for the user."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def hold_minutes() -> int:
    """How long an unconfirmed sign-up keeps its place."""
    return getattr(settings, "EVENTS_HOLD_MINUTES", 60)


def _may_hold(bucket, unconfirmed: int, party_size: int) -> bool:
    """Whether an unconfirmed sign-up may hold places, so that nobody books out an event
    with invented addresses: at most EVENTS_UNCONFIRMED_SHARE of the places are held by
    unconfirmed sign-ups at any time, and parties above EVENTS_UNCONFIRMED_MAX_PARTY hold
    only once the address is confirmed. Otherwise the sign-up waits for its confirmation
    (status waiting, unconfirmed) and gets a place then, if one is free."""
    if bucket is None or bucket.capacity is None:
        return True
    if party_size > getattr(settings, "EVENTS_UNCONFIRMED_MAX_PARTY", 2):
        return False
    share = getattr(settings, "EVENTS_UNCONFIRMED_SHARE", 0.5)
    return unconfirmed + party_size <= max(int(bucket.capacity * share), 1)


@dataclass(frozen=True)
class Bucket:
    """A set of places: the event's own, a workshop's or a helper shift's."""

    kinds: tuple[str, ...]
    capacity: int | None
    workshop_id: int | None = None
    shift_id: int | None = None

    def q(self) -> Q:
        q = Q(kind__in=self.kinds)
        if self.workshop_id:
            q &= Q(workshop_id=self.workshop_id)
        if self.shift_id:
            q &= Q(shift_id=self.shift_id)
        return q

    def filter(self, qs: QuerySet[Registration]) -> QuerySet[Registration]:
        return qs.filter(self.q())


def _bucket_for(event: EventPage, kind: str, workshop=None, shift=None) -> Bucket | None:
    if kind in ATTENDEE_KINDS:
        return Bucket(ATTENDEE_KINDS, event.capacity)
    if kind == K.WORKSHOP:
        return Bucket((K.WORKSHOP,), workshop.capacity, workshop_id=workshop.pk)
    if kind == K.HELPER:
        return Bucket((K.HELPER,), shift.slots, shift_id=shift.pk)
    return None  # contributions take no place


def _buckets(event: EventPage) -> list[Bucket]:
    buckets = [Bucket(ATTENDEE_KINDS, event.capacity)]
    buckets += [
        Bucket((K.WORKSHOP,), w.capacity, workshop_id=w.pk)
        for w in Workshop.objects.filter(conference_id=event.pk)
    ]
    buckets += [
        Bucket((K.HELPER,), s.slots, shift_id=s.pk)
        for s in HelperShift.objects.filter(festival_id=event.pk)
    ]
    return buckets


def _taken(event: EventPage, bucket: Bucket) -> int:
    qs = bucket.filter(Registration.objects.filter(event=event, status__in=PLACE_TAKING))
    return qs.aggregate(n=Sum("party_size"))["n"] or 0


def _free(event: EventPage, bucket: Bucket) -> int | None:
    if bucket.capacity is None:
        return None
    return max(bucket.capacity - _taken(event, bucket), 0)


def _lock(event: EventPage) -> EventPage:
    """Lock the event's row for the rest of the transaction and re-read what counting needs.

    Only the two columns are read (no join to Wagtail's page table): the lock is held for as
    short a time as possible, which is what sets the ceiling of sign-ups per minute.
    """
    row = (
        EventPage.objects.select_for_update(of=("self",))
        .filter(pk=event.pk)
        .values("capacity", "waiting_list")
        .order_by("pk")  # not the page tree's order, which would join the page table
        .first()
    )
    if row is None:
        raise EventPage.DoesNotExist
    event.capacity, event.waiting_list = row["capacity"], row["waiting_list"]
    return event


def _retry_when_locked(operation):
    """Run ``operation`` again when SQLite reports a lock instead of waiting for it.

    SQLite answers "database is locked" when ``busy_timeout`` runs out, and "database table is
    locked" at once with a shared cache (the test databases). The transaction was rolled
    back, so trying again is safe. PostgreSQL waits on the row lock and never gets here.
    """
    import random
    import time

    from django.db import OperationalError, connection

    attempts = 0
    while True:
        try:
            return operation()
        except OperationalError as error:
            attempts += 1
            if connection.vendor != "sqlite" or "locked" not in str(error) or attempts > 200:
                raise
            time.sleep(random.uniform(0.001, 0.02) * min(attempts, 10))  # noqa: S311 - jitter


#: the mails that follow a change which may have confirmed a place
_MAY_CONFIRM = frozenset({"status", "promoted", "approved"})
#: the mails that follow a sign-up losing its place (or its turn)
_ENDED = frozenset({"cancelled", "declined"})


def _after_commit(
    registration_id: int, mail: str, *, confirmed: tuple | None = None, announce: bool = True
) -> None:
    """The mail after a change, and the signals it calls for. ``confirmed``: the registration,
    its event and the event's site in hand (a sign-up confirmed at once), so that announcing
    it asks the database nothing more while the event's row is locked. ``announce=False``:
    the caller knows there is no confirmed place to announce (a sign-up that waits)."""
    from .tasks import send_registration_mail

    if mail in _MAY_CONFIRM and announce:
        _announce_confirmed(registration_id, confirmed)
    elif mail in _ENDED:
        announce_ended([registration_id])
    # a lost connection right after the commit must not lose the mail
    transaction.on_commit(lambda: retry_once(send_registration_mail.enqueue, registration_id, mail))


def _site_to_announce(event: EventPage, site=None):
    """The event's site, with the plugins enabled there read, when confirmed sign-ups are
    announced at all (a receiver is connected); else None. ``site``: the event's site as the
    caller knows it already (the request's), so that it is not asked again."""
    from treffpunkt.signals import registration_confirmed

    if not registration_confirmed.receivers:
        return None
    site = site if site is not None else event.get_site()
    if site is not None:
        registration_confirmed.receivers_for(site)  # kept on the site for the send
    return site


def _announce_confirmed(registration_id: int, known: tuple | None = None) -> None:
    """``treffpunkt.signals.registration_confirmed`` for a registration with its place
    confirmed, inside the transaction that confirmed it (see the signal's docstring)."""
    from treffpunkt.signals import registration_confirmed

    if not registration_confirmed.receivers:
        return
    if known is not None:  # confirmed in this very transaction, with its site read before
        registration, event, site = known
    else:
        registration = (
            Registration.objects.select_related("event").filter(pk=registration_id).first()
        )
        if registration is None or registration.status != S.CONFIRMED:
            return
        event = registration.event.specific
        site = event.get_site()
    if site is not None:
        registration_confirmed.send(site, registration=registration, event=event)


def announce_ended(registration_ids) -> None:
    """``treffpunkt.signals.registration_ended`` for sign-ups that were cancelled, lapsed
    or declined, inside the transaction that ended them (see the signal's docstring)."""
    from treffpunkt.signals import registration_ended

    if not registration_ended.receivers or not registration_ids:
        return
    ended = Registration.objects.select_related("event").filter(
        pk__in=list(registration_ids), status__in=(S.CANCELLED, S.EXPIRED, S.DECLINED)
    )
    events: dict = {}
    for registration in ended.order_by("pk"):
        if registration.event_id not in events:
            event = registration.event.specific
            events[registration.event_id] = (event, event.get_site())
        event, site = events[registration.event_id]
        if site is not None:
            registration_ended.send(site, registration=registration, event=event)


# --- inside the lock -------------------------------------------------------------------


def _lapsing_q(now: datetime) -> Q:
    """Sign-ups whose unconfirmed hold (or turn) ran out by ``now``."""
    return Q(
        status__in=(S.HELD, S.WAITING, S.REQUESTED),
        email_confirmed=False,
        hold_expires_at__lt=now,
    )


def _expire(event: EventPage, now: datetime) -> int:
    lapsing = Registration.objects.filter(_lapsing_q(now), event=event)
    from treffpunkt.signals import registration_ended

    ids = list(lapsing.values_list("pk", flat=True)) if registration_ended.receivers else []
    expired = lapsing.update(status=S.EXPIRED)
    announce_ended(ids)
    if expired:  # places were freed: the event's public page shows them again
        places.changed(event.pk)
        pagecache.content_changed()
        transaction.on_commit(pagecache.content_changed)
    return expired


def _promote(event: EventPage, now: datetime) -> list[int]:
    """Move confirmed people from the waiting lists to free places, oldest first.

    A waiting party that is larger than the places left is passed over (it keeps its turn)
    so that a family of five does not block three single places. A workshop place is only
    given to someone who holds a place at the conference itself.
    """
    promoted: list[int] = []
    for bucket in _buckets(event):
        free = _free(event, bucket)
        waiting = bucket.filter(
            Registration.objects.filter(event=event, status=S.WAITING, email_confirmed=True)
        ).select_related("parent")
        for registration in waiting.order_by("id"):
            if free is not None and free <= 0:
                break
            if registration.parent and registration.parent.status not in PLACE_TAKING:
                continue
            if free is not None and registration.party_size > free:
                continue
            registration.status = S.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            promoted.append(registration.pk)
            if free is not None:
                free -= registration.party_size
    return promoted


def _place(
    event: EventPage, registration: Registration, bucket: Bucket | None, taken: int | None = None
) -> None:
    """Give the registration a place, a spot on the waiting list, or refuse with a reason."""
    if bucket is None:
        registration.status = S.REQUESTED
        return
    if taken is None or bucket.capacity is None:
        free = _free(event, bucket)
    else:
        free = max(bucket.capacity - taken, 0)
    parent_waits = registration.parent is not None and registration.parent.status == S.WAITING
    if free is None or (registration.party_size <= free and not parent_waits):
        registration.status = S.CONFIRMED if registration.email_confirmed else S.HELD
        return
    if free > 0 and registration.party_size > free and not parent_waits:
        raise SignupError(
            ngettext(
                "Only %(n)d place is left. Please sign up fewer people.",
                "Only %(n)d places are left. Please sign up fewer people.",
                free,
            )
            % {"n": free},
            "party_too_large",
        )
    if not event.waiting_list:
        raise SignupError(_("Sorry, this event is fully booked."), "full")
    registration.status = S.WAITING


@dataclass(frozen=True)
class SignupRequest:
    """What one sign-up asks for, checked and normalised by :func:`sign_up`."""

    email: str  # stripped and lower-case
    kind: str
    name: str
    party_size: int
    user: object | None  # only when signed in with this very address
    trusted: bool  # no mail confirmation needed
    language: str
    answers: dict
    workshop: Workshop | None
    shift: HelperShift | None
    contribution_kind: str
    contribution_text: str
    now: datetime
    hold: bool = True  # False: no place until the address is confirmed (see sign_up)
    submission: str = ""  # the form's random token: the same form twice is one sign-up
    site: object | None = None  # the event's site, when a confirmed sign-up is announced


# --- the public operations -------------------------------------------------------------


# The public entry point keeps keyword arguments (every caller names them); it checks them
# and hands the engine one SignupRequest.
def sign_up(  # noqa: PLR0913
    event: EventPage,
    *,
    email: str,
    kind: str = K.VISITOR,
    name: str = "",
    party_size: int = 1,
    user=None,
    language: str | None = None,
    answers: dict | None = None,
    workshop: Workshop | None = None,
    shift: HelperShift | None = None,
    contribution_kind: str = "",
    contribution_text: str = "",
    now: datetime | None = None,
    hold: bool = True,
    submission: str = "",
    site=None,
) -> Registration:
    """Sign someone up; returns the registration (held, confirmed, waiting or requested).

    ``submission``, the random token of the form sent, makes a sign-up idempotent: the same
    form sent again returns the registration it made (marked ``repeated``), not a second one
    nor an error.

    With ``user`` whose address is ``email`` no mail confirmation is needed (one click).
    ``hold=False`` (a visitor over the limits of :mod:`events.ratelimit`): an unconfirmed
    sign-up holds no place until its address is confirmed.
    ``site``: the event's site when the caller has it in hand (the request's), so that a
    sign-up confirmed at once does not ask for it again.
    Raises :class:`SignupError` (and writes nothing) when the sign-up is not possible.
    """
    now = now or timezone.now()
    # every read here may meet SQLite's lock of a rush's writes: each is tried again
    page = event
    event = _retry_when_locked(lambda: page.registration_event)
    email = email.strip().lower()
    language = language or settings.LANGUAGE_CODE
    trusted = user is not None and user.is_authenticated and user.email.lower() == email
    if party_size < 1 or party_size > event.max_party_size:
        raise SignupError(
            ngettext(
                "You can sign up at most %(n)d person.",
                "You can sign up at most %(n)d people at once.",
                event.max_party_size,
            )
            % {"n": event.max_party_size},
            "party_size",
        )
    _retry_when_locked(lambda: _check_open(event, now))
    # A sign-up confirmed at once is announced inside the event's lock: its site is asked
    # here, before the lock, not while every other sign-up of the rush waits for it.
    site = _retry_when_locked(lambda: _site_to_announce(event, site)) if trusted else None
    request = SignupRequest(
        email=email,
        kind=kind,
        name=name.strip(),
        party_size=party_size,
        user=user if trusted else None,
        trusted=trusted,
        language=language,
        answers=answers or {},
        workshop=workshop,
        shift=shift,
        contribution_kind=contribution_kind,
        contribution_text=contribution_text,
        now=now,
        hold=hold,
        submission=submission,
        site=site,
    )
    return retry_once(  # a lost connection: once more, unless this sign-up was stored
        _retry_when_locked,
        lambda: _sign_up_locked(event, request),
        stored=lambda: _stored_sign_up(event, email, now, trusted),
    )


def _stored_sign_up(event, email: str, now: datetime, trusted: bool) -> Registration | None:
    """This very sign-up (the address and ``now``, to the microsecond) if its commit went
    through although the connection was lost before the answer; its mail still goes out."""
    found = Registration.objects.filter(
        event=event, email=email, created_at=now, parent=None
    ).first()
    if found is not None:
        _after_commit(found.pk, "confirm" if not trusted else "status")
    return found


def _counts(event, req: SignupRequest, bucket: Bucket | None, *, lapsed: bool) -> dict:
    """The counting a sign-up does under its event's lock, in one query compiled once per
    shape of sign-up (:func:`treffpunkt.core.compiled.aggregate`): ``repeated`` (this form
    was sent before), ``duplicates`` (this address holds a sign-up of this kind), ``taken``
    and ``unconfirmed`` places of the sign-up's bucket and, with ``lapsed``, the holds that
    ran out by ``req.now``."""
    kind = req.kind

    def make(event_id, email, now=None, submission=None, shift_id=None):
        same_person = Q(email=email, status__in=ACTIVE)
        if kind == K.HELPER:
            same_person &= Q(kind=K.HELPER, shift_id=shift_id)
        elif kind == K.CONTRIBUTION:
            same_person = Q(pk__in=[])
        else:
            same_person &= Q(kind__in=ATTENDEE_KINDS)
        # the bucket's own filter, with the shift as a value of the call
        place_q = replace(bucket, shift_id=shift_id).q() if bucket else Q(pk__in=[])
        place_q &= Q(status__in=PLACE_TAKING)
        this_form = Q(submission=submission, parent=None) if submission else Q(pk__in=[])
        counts = {
            "repeated": Count("id", filter=this_form),
            "duplicates": Count("id", filter=same_person),
            "taken": Sum("party_size", filter=place_q),
            "unconfirmed": Sum("party_size", filter=place_q & Q(email_confirmed=False)),
        }
        if now is not None:
            counts["lapsed"] = Count("id", filter=_lapsing_q(now))
        return Registration.objects.filter(event_id=event_id), counts

    values = {"event_id": event.pk, "email": req.email}
    if lapsed:
        values["now"] = req.now
    if req.submission:
        values["submission"] = req.submission
    if bucket is not None and bucket.shift_id:
        values["shift_id"] = bucket.shift_id
    shape = (
        "sign-up counts",
        kind,
        bucket.kinds if bucket else None,
        bucket.workshop_id if bucket else None,
        *sorted(values),
    )
    return compiled.aggregate(shape, make, **values)


def _sign_up_locked(event, req: SignupRequest) -> Registration:
    with transaction.atomic():
        event = _lock(event)
        promoted: list[int] = []
        email, kind, party_size, now = req.email, req.kind, req.party_size, req.now
        bucket = _bucket_for(event, kind, shift=req.shift)
        # One query for all: was this form sent before (under the event's lock: of two copies
        # of one form, the second finds the first), is this person signed up already, how
        # many places are taken, and have holds run out.
        stats = _counts(event, req, bucket, lapsed=True)
        if stats["repeated"]:
            repeated = Registration.objects.get(event=event, submission=req.submission, parent=None)
            repeated.repeated = True
            return repeated
        full = bucket and bucket.capacity is not None
        full = full and (stats["taken"] or 0) + party_size > bucket.capacity
        # Full, with holds that ran out: only now is it worth freeing their places (the
        # housekeeping task does it for everyone else), and then the waiting list goes first.
        if full and stats["lapsed"] and _expire(event, now):
            promoted = _promote(event, now)
            stats = _counts(event, req, bucket, lapsed=False)
        if stats["duplicates"]:
            raise SignupError(
                _("This email address is already signed up. Look for our mail in your inbox."),
                "duplicate",
            )
        registration = Registration(
            event=event,
            kind=kind,
            email=email,
            name=req.name,
            party_size=party_size,
            user=req.user,
            language=req.language,
            answers=req.answers,
            shift=req.shift,
            contribution_kind=req.contribution_kind,
            contribution_text=req.contribution_text,
            email_confirmed=req.trusted,
            hold_expires_at=None if req.trusted else now + timedelta(minutes=hold_minutes()),
            created_at=now,
            confirmed_at=now if req.trusted else None,
            submission=req.submission,
        )
        _place(event, registration, bucket, taken=stats["taken"] or 0)
        if registration.status == S.HELD and not (
            req.hold and _may_hold(bucket, stats["unconfirmed"] or 0, party_size)
        ):
            registration.status = S.WAITING  # a place only once the address is confirmed
            registration.deferred = True
        registration.save()
        if req.workshop is not None:
            child = Registration(
                event=event,
                kind=K.WORKSHOP,
                parent=registration,
                workshop=req.workshop,
                email=email,
                name=registration.name,
                party_size=1,
                user=registration.user,
                language=req.language,
                email_confirmed=req.trusted,
                hold_expires_at=registration.hold_expires_at,
                created_at=now,
                confirmed_at=registration.confirmed_at,
            )
            _place(event, child, _bucket_for(event, K.WORKSHOP, workshop=req.workshop))
            child.save()
        known = None
        if req.site is not None and registration.status == S.CONFIRMED:
            registration.event = event
            known = (registration, event, req.site)
        # a sign-up that waits has no place to announce: nothing is asked again for it
        _after_commit(
            registration.pk,
            "confirm" if not req.trusted else "status",
            confirmed=known,
            announce=known is not None,
        )
        for pk in promoted:
            _after_commit(pk, "promoted")
    return registration


def _check_open(event: EventPage, now: datetime) -> None:
    state = event.signup_state(now)
    messages = {
        "off": _("This event takes no sign-ups here."),
        "cancelled": _("This event has been cancelled."),
        "not_yet": _("Sign-up has not opened yet."),
        "closed": _("Sign-up for this event has closed."),
        "past": _("This event is over."),
    }
    if state != "open":
        raise SignupError(messages[state], state)


def _by_token(token: str) -> Registration:
    registration = (
        Registration.objects.filter(token=token, anonymised_at__isnull=True)
        .select_related("event")
        .first()
        if token and len(token) <= 64
        else None
    )
    if registration is None:
        raise SignupError(_("This link is not valid. Please check the address."), "bad_token")
    return registration


def confirm(token: str, now: datetime | None = None) -> Registration:
    """Confirm the email address of a sign-up by the link in the mail (idempotent)."""
    now = now or timezone.now()
    registration = _by_token(token)
    return _retry_when_locked(lambda: _confirm_locked(registration, now))


def _confirm_locked(registration: Registration, now: datetime) -> Registration:
    with transaction.atomic():
        event = _lock(registration.event)
        _expire(event, now)
        registration.refresh_from_db()
        if registration.status == S.EXPIRED:
            promoted = _promote(event, now)
            for pk in promoted:
                _after_commit(pk, "promoted")
            raise SignupError(
                _("This link has expired and the place was given to others. Please sign up again."),
                "expired",
            )
        if registration.status in (S.CANCELLED, S.DECLINED):
            raise SignupError(_("This sign-up was cancelled."), "cancelled")
        if registration.email_confirmed:
            return registration
        group = [registration, *registration.children.all()]
        for item in group:
            item.email_confirmed = True
            item.hold_expires_at = None
            if item.status == S.HELD:
                item.status, item.confirmed_at = S.CONFIRMED, now
            item.save(
                update_fields=["email_confirmed", "hold_expires_at", "status", "confirmed_at"]
            )
        promoted = _promote(event, now)
        _after_commit(registration.pk, "status")
        for pk in promoted:
            if pk not in {item.pk for item in group}:
                _after_commit(pk, "promoted")
    registration.refresh_from_db()
    return registration


def cancel(token: str, now: datetime | None = None) -> Registration:
    """Cancel by the link in the mail; frees the place and moves the waiting list up."""
    now = now or timezone.now()
    registration = _by_token(token)
    return _retry_when_locked(lambda: _cancel_locked(registration, now))


def _cancel_locked(registration: Registration, now: datetime) -> Registration:
    with transaction.atomic():
        event = _lock(registration.event)
        registration.refresh_from_db()
        if registration.status not in ACTIVE:
            raise SignupError(_("This sign-up is no longer active."), "inactive")
        group = [registration, *registration.children.filter(status__in=ACTIVE)]
        for item in group:
            item.status, item.cancelled_at = S.CANCELLED, now
            item.save(update_fields=["status", "cancelled_at"])
        for pk in _promote(event, now):
            _after_commit(pk, "promoted")
        _after_commit(registration.pk, "cancelled")
    return registration


def cancel_for_user(event: EventPage, user) -> Registration | None:
    """One click for logged-in people: cancel their own sign-up for the event."""
    registration = (
        Registration.objects.filter(
            event=event.registration_event, user=user, status__in=ACTIVE, parent=None
        )
        .exclude(kind=K.CONTRIBUTION)
        .first()
    )
    return cancel(registration.token) if registration else None


def decide_contribution(registration: Registration, approve: bool) -> Registration:
    """The organiser approves or declines a contribution (stand, dish, music, activity)."""
    if registration.kind != K.CONTRIBUTION or registration.status != S.REQUESTED:
        raise SignupError(_("This contribution has already been decided."), "decided")
    with transaction.atomic():
        _lock(registration.event)
        registration.status = S.CONFIRMED if approve else S.DECLINED
        registration.confirmed_at = timezone.now() if approve else None
        registration.save(update_fields=["status", "confirmed_at"])
        _after_commit(registration.pk, "approved" if approve else "declined")
    return registration


def check_in(registration: Registration, attended: bool = True) -> Registration:
    registration.attended_at = timezone.now() if attended else None
    registration.save(update_fields=["attended_at"])
    return registration


def expire_holds(now: datetime | None = None) -> int:
    """Free the places of unconfirmed sign-ups whose time ran out; promote the waiting lists."""
    now = now or timezone.now()
    event_ids = set(
        Registration.objects.filter(
            status__in=(S.HELD, S.WAITING, S.REQUESTED),
            email_confirmed=False,
            hold_expires_at__lt=now,
        ).values_list("event_id", flat=True)
    )
    count = 0
    for event_id in event_ids:
        with transaction.atomic():
            event = _lock(EventPage(pk=event_id))
            count += _expire(event, now)
            for pk in _promote(event, now):
                _after_commit(pk, "promoted")
    return count


def availability(event: EventPage) -> dict:
    """Places taken and free per bucket (for pages and JSON): one query, and the workshops or
    shifts of the event's kind, which the page lists too (read once for both)."""
    return _availability(event, None)[0]


def availability_and_own(event: EventPage, user) -> tuple[dict, Registration | None]:
    """:func:`availability` and :func:`registration_for_user` in the same query (and one
    more when ``user`` has a registration): what an event page shows a signed-in person."""
    return _availability(event, user)


def _own_filter(user) -> Q:
    # registration_for_user's rows (``user``: a user or its primary key)
    return Q(user=user, status__in=ACTIVE, parent=None) & ~Q(kind__in=(K.CONTRIBUTION, K.HELPER))


def _grouped_places(event: EventPage, user) -> list[dict]:
    """People and sign-ups per kind, state, workshop and shift (and the first of ``user``'s
    own sign-ups), compiled once per process: the ORM's compiler cost more than the query."""
    aggregates = {
        "people": Sum("party_size"),
        "count": Count("id"),
        "attended": Sum("party_size", filter=Q(attended_at__isnull=False)),
    }
    values = {"event_id": event.pk}
    if user is not None and user.is_authenticated:
        values["user_id"] = user.pk

    def make(event_id, user_id=None):
        own = {} if user_id is None else {"own": Min("id", filter=_own_filter(user_id))}
        return (
            Registration.objects.filter(event_id=event_id)
            .values("kind", "status", "workshop_id", "shift_id")
            .annotate(**aggregates, **own)
        )

    def count() -> list[dict]:
        return compiled.rows(("availability", "user_id" in values), make, **values)

    return places.kept_rows(event.pk, values.get("user_id"), count)


def _availability(event: EventPage, user) -> tuple[dict, Registration | None]:
    event = event.registration_event.specific
    rows = _grouped_places(event, user)
    own_ids = [row["own"] for row in rows if row.get("own") is not None]
    taken = {"event": 0}
    waiting = {"event": 0}
    counts = dict.fromkeys(S.values, 0)
    attended = 0
    for row in rows:
        attended += row["attended"] or 0
        if row["kind"] in ATTENDEE_KINDS:
            key = "event"
            counts[row["status"]] += row["people"]
        elif row["kind"] == K.WORKSHOP:
            key = f"workshop-{row['workshop_id']}"
        elif row["kind"] == K.HELPER:
            key = f"shift-{row['shift_id']}"
        else:
            continue
        if row["status"] in PLACE_TAKING:
            taken[key] = taken.get(key, 0) + row["people"]
        elif row["status"] == S.WAITING:
            waiting[key] = waiting.get(key, 0) + row["people"]

    def free(key: str, capacity: int | None) -> int | None:
        return None if capacity is None else max(capacity - taken.get(key, 0), 0)

    result = {
        "capacity": event.capacity,
        "taken": taken["event"],
        "free": free("event", event.capacity),
        "waiting": waiting["event"],
        "confirmed": counts[S.CONFIRMED],
        "held": counts[S.HELD],
        "attended": attended,
        "workshops": {},
        "shifts": {},
    }
    for workshop in event.workshop_list:
        key = f"workshop-{workshop.pk}"
        result["workshops"][workshop.pk] = {
            "title": workshop.title,
            "capacity": workshop.capacity,
            "taken": taken.get(key, 0),
            "free": free(key, workshop.capacity),
            "waiting": waiting.get(key, 0),
        }
    for shift in event.shift_list:
        key = f"shift-{shift.pk}"
        result["shifts"][shift.pk] = {
            "title": str(shift),
            "capacity": shift.slots,
            "taken": taken.get(key, 0),
            "free": free(key, shift.slots),
        }
    own = None
    if own_ids:  # the first, as registration_for_user() takes it
        own = Registration.objects.filter(pk=min(own_ids)).filter(_own_filter(user)).first()
    return result, own


def registered_users(event_page: EventPage, kind: str | None = None) -> QuerySet:
    """Users with an account whose registration for the event is confirmed."""
    event = event_page.registration_event
    filters = Q(event_registrations__event=event, event_registrations__status=S.CONFIRMED)
    if kind:
        filters &= Q(event_registrations__kind=kind)
    return get_user_model().objects.filter(filters).distinct()


def registration_for_user(event: EventPage, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event.registration_event)
        .filter(_own_filter(user))
        .first()
    )


def anonymise_past(now: datetime | None = None) -> int:
    """Delete the personal data of registrations N days after their event (data protection)."""
    now = now or timezone.now()
    days = getattr(settings, "EVENTS_DELETE_PERSONAL_DATA_AFTER_DAYS", 30)
    qs = Registration.objects.filter(
        anonymised_at__isnull=True, event__end__lt=now - timedelta(days=days)
    )
    # Counts stay for statistics; everything that identifies a person goes (and with the
    # person, their own sign-up that an event page finds with the counts).
    places.changed(*qs.order_by().values_list("event_id", flat=True).distinct())
    return qs.update(
        name="",
        email="",
        user=None,
        answers={},
        contribution_text="",
        anonymised_at=now,
    )
