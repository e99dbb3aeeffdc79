"""What happens to a request: made, offered, accepted or declined, cancelled, escalated.

Race safety. Accepting locks, in this order, the request, the offer and the mediator
(``SELECT … FOR UPDATE``): twenty mediators clicking "accept" at the same moment queue on
the request's row, the first one makes the assignment and the others find it taken. The
one-to-one ``Assignment.request`` is the database's backstop. Locking the mediator means
the same person accepting two requests at once is checked against their other
assignments one after the other, so nobody is booked twice.

Mails go out after the commit (a task per mail); an offer's mail is marked sent in the
same transaction as it is handed to the mail server, so a failed send is retried and a
sent one never repeated.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from treffpunkt.accounts import roles

from . import access, mails
from .availability import conflict_q
from .models import Assignment, Mediator, Offer, OfferMode, Request
from .ranking import rank

log = logging.getLogger(__name__)


def setting(name: str):
    return apps.get_app_config("interpreters").setting(name)


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    ALREADY_YOURS = "already_yours"
    TAKEN = "taken"
    BUSY = "busy"
    DECLINED = "declined"
    CLOSED = "closed"


class TokenError(Exception):
    """The link is not (or no longer) valid."""


def offer_for_token(token: str) -> Offer:
    offer = (
        Offer.objects.select_related("request", "request__site", "mediator", "mediator__user")
        .filter(token=token)
        .first()
    )
    if offer is None or offer.request.anonymised_at is not None:
        raise TokenError
    return offer


def is_short_notice(request: Request, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return request.starts_at - now < dt.timedelta(hours=setting("SHORT_NOTICE_HOURS"))


# --- a new request ------------------------------------------------------------------------


def create_request(request: Request) -> Request:
    """Save a new request and start looking for someone (after the commit)."""
    now = timezone.now()
    request.status = Request.Status.OPEN
    request.created_at = now
    if request.answer_by is None:
        # half the time until the appointment, at most two days: then the coordinator
        request.answer_by = now + min((request.starts_at - now) / 2, dt.timedelta(days=2))
    request.save()
    _after_commit_dispatch(request.pk)
    return request


def _after_commit_dispatch(request_id: int) -> None:
    from .tasks import dispatch_request

    # robust: a queue that fails after the commit must not turn the caller's answer (a
    # member's request, a town's sign-up confirmation) into an error; the request is kept
    # and the housekeeping job escalates it to the coordinators once its answer-by time passes
    transaction.on_commit(lambda: dispatch_request.enqueue(request_id), robust=True)


def dispatch(request_id: int, now: dt.datetime | None = None) -> list[int]:
    """Offer an open request to the next fitting mediators; escalate when nobody is left.

    In turn: one at a time, the next when the last declined or did not answer within
    ``OFFER_TURN_HOURS``. All at once (and every short-notice request): the best
    ``OFFER_COUNT`` (short notice: every fitting mediator) at once. Returns the new offers' ids.
    """
    now = now or timezone.now()
    with transaction.atomic():
        request = Request.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.status != Request.Status.OPEN:
            return []
        pending = request.offers.filter(status__in=[Offer.Status.WAITING, Offer.Status.SENT])
        short = is_short_notice(request, now)
        if short:
            count = None
        elif request.offer_mode == OfferMode.ALL:
            count = max(setting("OFFER_COUNT") - pending.count(), 0)
            if pending.exists():
                return []  # this round is still open
        else:
            # an offer unanswered for its turn stays open (a late "yes" still wins), but
            # no longer holds up the next mediator
            turn = dt.timedelta(hours=setting("OFFER_TURN_HOURS"))
            overdue = pending.filter(sent_at__lt=now - turn)
            pending = pending.exclude(pk__in=overdue.values("pk"))
            if pending.exists():
                return []
            count = 1
        candidates = rank(request, limit=count)
        if not candidates and not pending.exists():
            _escalate(request)
            return []
        start = (request.offers.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
        offers = [
            Offer.objects.create(request=request, mediator=c.mediator, rank=start + i)
            for i, c in enumerate(candidates)
        ]
    for offer in offers:
        _after_commit_send_offer(offer.pk)
    return [offer.pk for offer in offers]


def _after_commit_send_offer(offer_id: int) -> None:
    from .tasks import send_offer

    transaction.on_commit(lambda: send_offer.enqueue(offer_id))


def send_offer_mail(offer_id: int) -> bool:
    """Mail one offer (once); True when it went out now."""
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update()
            .select_related("request", "request__site", "mediator__user")
            .filter(pk=offer_id, status=Offer.Status.WAITING)
            .first()
        )
        if offer is None or offer.request.status not in (
            Request.Status.OPEN,
            Request.Status.ESCALATED,
        ):
            return False
        user = offer.mediator.user
        language = mails.language_of(user)
        site = offer.request.site
        try:
            mails.send(
                user,
                "offer",
                {
                    "offer": offer,
                    "request": offer.request,
                    "site": site,
                    "url": mails.link(site, "offer", offer.token, language=language),
                },
            )
        except OSError:
            log.warning("offer mail %s failed; it is retried", offer.pk, exc_info=True)
            return False
        offer.status = Offer.Status.SENT
        offer.sent_at = timezone.now()
        offer.save(update_fields=["status", "sent_at"])
    return True


def _escalate(request: Request) -> None:
    request.status = Request.Status.ESCALATED
    request.save(update_fields=["status"])
    request_id = request.pk
    from .tasks import notify

    transaction.on_commit(lambda: notify.enqueue("escalated", request_id))
    log.info("interpreting request %s escalated to the coordinators", request_id)


# --- answers to an offer ------------------------------------------------------------------


def _lock(token: str) -> tuple[Offer, Request]:
    """Lock the request, then the offer (the order everything here locks in: the winner
    of a race updates the other offers, so nobody may hold an offer while waiting for the
    request)."""
    request_id = Offer.objects.filter(token=token).values_list("request_id", flat=True).first()
    if request_id is None:
        raise TokenError
    request = Request.objects.select_for_update().get(pk=request_id)
    offer = Offer.objects.select_for_update().get(token=token)
    if request.anonymised_at is not None:
        raise TokenError
    return offer, request


def accept(token: str, now: dt.datetime | None = None) -> Outcome:
    """The mediator of the offer takes the assignment, if it is still free and so are they."""
    now = now or timezone.now()
    with transaction.atomic():
        offer, request = _lock(token)
        if offer.status == Offer.Status.ACCEPTED:
            return Outcome.ALREADY_YOURS
        if offer.status == Offer.Status.TAKEN or request.status == Request.Status.ASSIGNED:
            _close(offer, Offer.Status.TAKEN, now)
            return Outcome.TAKEN
        if (
            offer.status not in (Offer.Status.WAITING, Offer.Status.SENT)
            or request.status not in (Request.Status.OPEN, Request.Status.ESCALATED)
            or request.starts_at <= now
        ):
            return Outcome.CLOSED
        mediator = Mediator.objects.select_for_update().get(pk=offer.mediator_id)
        if mediator.assignments.filter(
            conflict_q(request.starts_at, request.ends_at, request.mode)
        ).exists():
            return Outcome.BUSY
        try:
            with transaction.atomic():
                Assignment.objects.create(
                    request=request,
                    mediator=mediator,
                    starts_at=request.starts_at,
                    ends_at=request.ends_at,
                    created_at=now,
                )
        except IntegrityError:  # the backstop: another assignment got in first
            _close(offer, Offer.Status.TAKEN, now)
            return Outcome.TAKEN
        _close(offer, Offer.Status.ACCEPTED, now)
        request.status = Request.Status.ASSIGNED
        request.assigned_at = now
        request.save(update_fields=["status", "assigned_at"])
        others = list(
            request.offers.filter(status__in=[Offer.Status.WAITING, Offer.Status.SENT])
            .exclude(pk=offer.pk)
            .values_list("pk", "status")
        )
        request.offers.filter(pk__in=[pk for pk, _ in others]).update(
            status=Offer.Status.TAKEN, answered_at=now
        )
        told = [pk for pk, status in others if status == Offer.Status.SENT]
        request_id = request.pk
        from .tasks import notify

        transaction.on_commit(lambda: notify.enqueue("assigned", request_id))
        for pk in told:
            transaction.on_commit(lambda pk=pk: notify.enqueue("taken", pk))
    log.info("interpreting request %s assigned (offer %s)", request_id, offer.pk)
    return Outcome.ACCEPTED


def decline(token: str, now: dt.datetime | None = None) -> Outcome:
    now = now or timezone.now()
    with transaction.atomic():
        offer, _request = _lock(token)
        if offer.status == Offer.Status.DECLINED:
            return Outcome.DECLINED
        if offer.status not in (Offer.Status.WAITING, Offer.Status.SENT):
            return Outcome.CLOSED
        _close(offer, Offer.Status.DECLINED, now)
        _after_commit_dispatch(offer.request_id)
    return Outcome.DECLINED


def _close(offer: Offer, status: str, now: dt.datetime) -> None:
    offer.status = status
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])


def cancel(request: Request, now: dt.datetime | None = None) -> bool:
    """The requester (or a coordinator) cancels; the assigned mediator is told."""
    now = now or timezone.now()
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status in (Request.Status.CANCELLED, Request.Status.DONE):
            return False
        was_assigned = request.status == Request.Status.ASSIGNED
        request.status = Request.Status.CANCELLED
        request.save(update_fields=["status"])
        request.offers.filter(status__in=[Offer.Status.WAITING, Offer.Status.SENT]).update(
            status=Offer.Status.WITHDRAWN, answered_at=now
        )
        if was_assigned:
            assigned = Assignment.objects.filter(request=request)
            mediator_id = assigned.values_list("mediator_id", flat=True).first()
            assigned.delete()
            request_id = request.pk
            from .tasks import notify

            if mediator_id:
                transaction.on_commit(lambda: notify.enqueue("cancelled", request_id, mediator_id))
    return True


def reopen(request: Request, people: int | None = None) -> Request:
    """A cancelled request that is needed again (an event's sign-up asks anew): it looks
    for someone from the start; the offers of before are gone (their mails' links stop
    working), so everyone fitting may be asked again. The caller holds its row's lock."""
    now = timezone.now()
    request.offers.all().delete()
    request.status = Request.Status.OPEN
    request.assigned_at = None
    request.answer_by = now + min((request.starts_at - now) / 2, dt.timedelta(days=2))
    if people is not None:
        request.people = people
    request.save(update_fields=["status", "assigned_at", "answer_by", "people"])
    _after_commit_dispatch(request.pk)
    return request


# --- mails about a request ------------------------------------------------------------------


def coordinators_of(site):
    """Who gets the coordinators' mails: the town's managers and its named pool
    coordinators (while they belong to its network), each once."""
    named = access.named_coordinators(site).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=roles.managers_of(site).values("pk")) | Q(pk__in=named))
        .order_by("pk")
    )


def send_notice(kind: str, object_id: int, mediator_id: int | None = None) -> int:
    """The mails after a change: ``assigned`` (requester and mediator), ``taken`` (an
    offer someone else won), ``escalated`` (the coordinators), ``cancelled`` (the mediator)."""
    sent = 0
    if kind == "taken":
        offer = Offer.objects.select_related("request__site", "mediator__user").get(pk=object_id)
        mails.send(
            offer.mediator.user, "taken", {"request": offer.request, "site": offer.request.site}
        )
        return 1
    request = Request.objects.select_related("site", "requester").get(pk=object_id)
    site = request.site
    if kind == "assigned":
        assignment = Assignment.objects.select_related("mediator__user").get(request=request)
        mediator = assignment.mediator
        context = {"request": request, "site": site, "mediator": mediator}
        language = mails.language_of(mediator.user)
        mails.send(
            mediator.user,
            "assigned_mediator",
            {**context, "url": mails.link(site, "assignments", language=language)},
        )
        sent += 1
        if request.requester is not None:
            language = mails.language_of(request.requester)
            mails.send(
                request.requester,
                "assigned_requester",
                {**context, "url": mails.link(site, "request", request.pk, language=language)},
            )
            sent += 1
    elif kind == "escalated":
        for person in coordinators_of(site):
            language = mails.language_of(person)
            mails.send(
                person,
                "escalated",
                {
                    "request": request,
                    "site": site,
                    "url": mails.link(site, "request", request.pk, language=language),
                },
            )
            sent += 1
    elif kind == "cancelled" and mediator_id:
        mediator = Mediator.objects.select_related("user").get(pk=mediator_id)
        mails.send(mediator.user, "cancelled", {"request": request, "site": site})
        sent += 1
    return sent


# --- the periodic job (manage.py interpreters_housekeeping) ---------------------------------


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Open requests whose answer-by time passed go to the coordinators (their offers stay
    open: a late acceptance still wins)."""
    now = now or timezone.now()
    escalated = 0
    due = Request.objects.filter(
        status=Request.Status.OPEN, answer_by__lte=now, starts_at__gt=now, anonymised_at=None
    )
    for request_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            request = Request.objects.select_for_update().filter(pk=request_id).first()
            if request is None or request.status != Request.Status.OPEN:
                continue
            _escalate(request)
            escalated += 1
    return escalated


def pass_on_unanswered(now: dt.datetime | None = None) -> list[int]:
    """One-after-the-other requests whose offer went unanswered for ``OFFER_TURN_HOURS``:
    the next fitting mediator is asked (or, nobody left, the coordinators). Returns the new
    offers' ids."""
    now = now or timezone.now()
    turn = dt.timedelta(hours=setting("OFFER_TURN_HOURS"))
    due = (
        Request.objects.filter(
            status=Request.Status.OPEN,
            offer_mode=OfferMode.IN_TURN,
            starts_at__gt=now,
            anonymised_at=None,
            offers__status=Offer.Status.SENT,
            offers__sent_at__lt=now - turn,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    new: list[int] = []
    for request_id in list(due):
        new += dispatch(request_id, now=now)
    return new


def resend_failed(now: dt.datetime | None = None) -> int:
    """Offers whose mail did not go out (the mail server refused) are sent again, as long
    as their request is still looking for someone."""
    now = now or timezone.now()
    waiting = Offer.objects.filter(
        status=Offer.Status.WAITING,
        request__status__in=[Request.Status.OPEN, Request.Status.ESCALATED],
        request__starts_at__gt=now,
        request__anonymised_at=None,
    ).values_list("pk", flat=True)
    return sum(1 for offer_id in list(waiting) if send_offer_mail(offer_id))


def anonymise_old(now: dt.datetime | None = None) -> int:
    """``ANONYMISE_AFTER_DAYS`` after the appointment a request loses who asked, the place,
    the note and its offers (the links in old mails stop working); language, topic, times
    and the assignment's hours stay for the statements and the network's numbers."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=setting("ANONYMISE_AFTER_DAYS"))
    with transaction.atomic():
        ids = list(
            Request.objects.select_for_update()
            .filter(anonymised_at=None, starts_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        Request.objects.filter(pk__in=ids).update(
            requester=None,
            organisation="",
            place="",
            note="",
            preferred_gender="",
            anonymised_at=now,
        )
        Offer.objects.filter(request_id__in=ids).delete()
    if ids:
        log.info("anonymised %d interpreting requests", len(ids))
    return len(ids)


def housekeeping(now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        "resent": resend_failed(now),
        "passed_on": len(pass_on_unanswered(now)),
        "escalated": escalate_overdue(now),
        "anonymised": anonymise_old(now),
    }
