"""What happens to applications and matches: apply, confirm, propose, accept, look after.

Every change of state is one conditional UPDATE or a row lock, so that two clicks at once
(a mentee and a mentor accepting in the same second, a link clicked twice) change a match
once and send each mail once. Mails go out after commit through the task queue.
"""

from __future__ import annotations

import datetime as dt
import logging
from datetime import timedelta

from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import ranking
from .models import (
    Application,
    CheckIn,
    Feedback,
    Match,
    MentorProfile,
    Programme,
    TrainingInvitation,
)

logger = logging.getLogger("plugins.mentoring")

#: bump when the consent wording changes; each application records the version agreed to
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = gettext_lazy(
    "I agree that the programme's coordinators store my details to find a mentor for me. "
    "Only after I accept a match does the mentor see my name, my languages and what I "
    "chose to share. The data are deleted after the mentoring ends."
)
CONFIRM_SALT = "mentoring.confirm"


def setting(name: str):
    return apps.get_app_config("mentoring").setting(name)


class TokenError(Exception):
    """A link that is forged, broken or expired; ``message`` says which, for the visitor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _after_commit(task_name: str, *args) -> None:
    from . import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(*args))


# --- applications ----------------------------------------------------------------------------


def apply(programme: Programme, **data) -> Application:
    """A new application, waiting for its double opt-in; the confirmation mail follows."""
    if not programme.accepts_applications:
        raise ValidationError(_("This programme does not accept applications at the moment."))
    with transaction.atomic():
        application = Application(programme=programme, **data)
        application.full_clean()
        application.save()
        _after_commit("send_application_confirmation", application.pk)
    logger.info("application %s to programme %s received", application.pk, programme.pk)
    return application


def apply_on_behalf(programme: Programme, counsellor, **data) -> Application:
    """A counsellor (a signed-in network member) applies for someone who agreed in the
    conversation; the consent is recorded now, with the counsellor's name. The double
    opt-in goes to the person's address when there is one, else to the counsellor's."""
    now = timezone.now()
    data.update(
        applied_by=Application.AppliedBy.COUNSELLOR,
        counsellor=counsellor,
        counsellor_name=(counsellor.get_full_name() or counsellor.email)[:200],
        counsellor_email=counsellor.email,
        consent_at=now,
        consent_text_version=CONSENT_VERSION,
    )
    return apply(programme, **data)


def confirmation_code(application: Application) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(application.token)


def application_for_confirmation(code: str) -> Application:
    max_age = timedelta(days=setting("UNCONFIRMED_DAYS"))
    try:
        token = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(code, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenError(_("This confirmation link has expired. Please apply again.")) from exc
    except signing.BadSignature as exc:
        raise TokenError(
            _("This link is not valid. Please copy it completely from the mail.")
        ) from exc
    application = Application.objects.filter(token=token).select_related("programme").first()
    if application is None:
        raise TokenError(_("This application no longer exists. Please apply again."))
    return application


def confirm_application(application: Application) -> bool:
    """Double opt-in done: the application waits for a mentor. True when this call did it."""
    now = timezone.now()
    updated = Application.objects.filter(
        pk=application.pk, status=Application.Status.UNCONFIRMED
    ).update(
        status=Application.Status.WAITING,
        confirmed_at=now,
        # a counsellor recorded the consent when applying; it keeps its time and version
        consent_at=Coalesce(F("consent_at"), Value(now)),
        consent_text_version=Coalesce(
            NullIf(F("consent_text_version"), Value("")), Value(CONSENT_VERSION)
        ),
    )
    application.refresh_from_db()
    return bool(updated)


def delete_unconfirmed(now: dt.datetime | None = None) -> int:
    """Applications never confirmed within UNCONFIRMED_DAYS are deleted (no consent)."""
    cutoff = (now or timezone.now()) - timedelta(days=setting("UNCONFIRMED_DAYS"))
    deleted, _details = Application.objects.filter(
        status=Application.Status.UNCONFIRMED, created_at__lt=cutoff
    ).delete()
    return deleted


# --- matches ---------------------------------------------------------------------------------


def propose(
    application: Application,
    mentor: MentorProfile,
    *,
    by,
    first_meeting_at: dt.datetime | None = None,
    first_meeting_place: str = "",
) -> Match:
    """A coordinator proposes ``mentor`` (a profile, or a ranked candidate) for
    ``application``; both sides get a link to accept."""
    if first_meeting_at is not None and first_meeting_at < timezone.now():
        raise ValidationError(_("The first meeting must be in the future."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.WAITING:
            raise ValidationError(_("This application is not waiting for a mentor."))
        # the mentor's row is locked so that two proposals at once cannot exceed their places
        mentor = MentorProfile.objects.select_for_update().filter(pk=mentor.pk).first()
        if mentor is None or mentor.programme_id != application.programme_id:
            raise ValidationError(_("Choose a mentor of this programme."))
        mentor.load = Match.objects.filter(mentor=mentor, status__in=ranking.LIVE_STATUSES).count()
        if not ranking.rank(application, [mentor]):
            raise ValidationError(_("This mentor cannot take this match."))
        match = Match(
            programme_id=application.programme_id,
            application=application,
            mentor=mentor,
            proposed_by=by if getattr(by, "is_authenticated", False) else None,
            first_meeting_at=first_meeting_at,
            first_meeting_place=first_meeting_place[:200],
        )
        try:
            with transaction.atomic():
                match.save()
        except IntegrityError as exc:  # a second proposal in the same moment
            raise ValidationError(_("This application already has a proposal.")) from exc
        application.status = Application.Status.PROPOSED
        application.save(update_fields=["status"])
        _after_commit("send_match_mail", match.pk, "mentor", "proposed")
        _after_commit("send_match_mail", match.pk, "mentee", "proposed")
    logger.info("match %s proposed", match.pk)
    return match


def match_for_token(token: str) -> tuple[Match, str]:
    """The match and the side (``"mentor"`` or ``"mentee"``) a link's token belongs to."""
    if token:
        match = (
            Match.objects.filter(Q(mentor_token=token) | Q(mentee_token=token))
            .select_related("programme", "application", "mentor")
            .first()
        )
        if match is not None:
            side = "mentor" if match.mentor_token == token else "mentee"
            return match, side
    raise TokenError(_("This link is not valid. Please copy it completely from the mail."))


def accept(match: Match, side: str) -> bool:
    """One side accepts; when both have, the match is active and the first meeting is sent
    to both (with its .ics). True when this call changed anything."""
    field = "mentor_accepted_at" if side == "mentor" else "mentee_accepted_at"
    now = timezone.now()
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status != Match.Status.PROPOSED or getattr(locked, field) is not None:
            match.refresh_from_db()
            return False
        setattr(locked, field, now)
        fields = [field]
        if locked.mentor_accepted_at and locked.mentee_accepted_at:
            locked.status, locked.started_at = Match.Status.ACTIVE, now
            fields += ["status", "started_at"]
            Application.objects.filter(pk=locked.application_id).update(
                status=Application.Status.MATCHED
            )
            _after_commit("send_match_mail", locked.pk, "mentor", "active")
            _after_commit("send_match_mail", locked.pk, "mentee", "active")
            _after_commit("send_match_mail", locked.pk, "coordinators", "active")
        locked.save(update_fields=fields)
    match.refresh_from_db()
    logger.info("match %s accepted by the %s", match.pk, side)
    return True


def decline(match: Match, side: str) -> bool:
    """One side says no: the match is declined and the application waits again."""
    with transaction.atomic():
        updated = Match.objects.filter(pk=match.pk, status=Match.Status.PROPOSED).update(
            status=Match.Status.DECLINED, ended_at=timezone.now()
        )
        if updated:
            Application.objects.filter(
                pk=match.application_id, status=Application.Status.PROPOSED
            ).update(status=Application.Status.WAITING)
            _after_commit("send_match_mail", match.pk, "coordinators", "declined")
    match.refresh_from_db()
    if updated:
        logger.info("match %s declined by the %s", match.pk, side)
    return bool(updated)


def pause(match: Match) -> bool:
    updated = Match.objects.filter(pk=match.pk, status=Match.Status.ACTIVE).update(
        status=Match.Status.PAUSED, paused_at=timezone.now()
    )
    match.refresh_from_db()
    return bool(updated)


def resume(match: Match) -> bool:
    updated = Match.objects.filter(pk=match.pk, status=Match.Status.PAUSED).update(
        status=Match.Status.ACTIVE, paused_at=None
    )
    match.refresh_from_db()
    return bool(updated)


def end(match: Match, reason: str) -> bool:
    if reason not in Match.EndReason.values:
        raise ValidationError(_("Choose a reason."))
    with transaction.atomic():
        updated = Match.objects.filter(
            pk=match.pk, status__in=[Match.Status.ACTIVE, Match.Status.PAUSED]
        ).update(status=Match.Status.ENDED, ended_at=timezone.now(), end_reason=reason)
        if updated:
            Application.objects.filter(pk=match.application_id).update(
                status=Application.Status.CLOSED
            )
            _after_commit("send_match_mail", match.pk, "mentor", "ended")
            _after_commit("send_match_mail", match.pk, "mentee", "ended")
    match.refresh_from_db()
    return bool(updated)


# --- the first meeting -----------------------------------------------------------------------

#: a first meeting not recorded this long after its date shows on the coordinators' list
FIRST_MEETING_GRACE = timedelta(days=7)


def record_first_meeting(
    match: Match, side: str, held: bool, held_on: dt.date | None = None
) -> bool:
    """Whether the first meeting took place, and on which day. ``side`` is ``"mentor"``,
    ``"mentee"`` or ``"coordinator"``; a side records once (the first answer counts), a
    coordinator may correct it. True when this call recorded it."""
    live = [Match.Status.ACTIVE, Match.Status.PAUSED]
    if side == "coordinator":
        live.append(Match.Status.PROPOSED)  # a meeting can take place before both said yes
    if match.status not in live:
        raise ValidationError(_("This match is not running."))
    if held:
        if held_on is None:
            raise ValidationError(_("Please enter the day of the first meeting."))
        if held_on > timezone.localdate():
            raise ValidationError(_("The day of the first meeting cannot be in the future."))
        if held_on < timezone.localtime(match.proposed_at).date():
            raise ValidationError(
                _("The day of the first meeting cannot be before the match was proposed.")
            )
    else:
        held_on = None
    matches = Match.objects.filter(pk=match.pk, status__in=live)
    if side != "coordinator":
        matches = matches.filter(first_meeting_held__isnull=True)
    updated = matches.update(
        first_meeting_held=held,
        first_meeting_held_on=held_on,
        first_meeting_recorded_by=side,
        first_meeting_recorded_at=timezone.now(),
    )
    match.refresh_from_db()
    if updated:
        logger.info("match %s: first meeting recorded by the %s (held: %s)", match.pk, side, held)
    return bool(updated)


def redate_first_meeting(match: Match, when: dt.datetime, place: str | None = None) -> bool:
    """A coordinator gives the first meeting a new date (it was missed, or is not recorded
    and overdue, or has to move): the record of the old date is cleared, so the match no
    longer shows as overdue or missed, and the calendar invitation's SEQUENCE goes up. A
    running match's mentor, mentee and coordinators get the new invitation; a proposal's
    sides get it with the mail that starts the match. ``place`` None keeps the place. True
    when this call changed the date."""
    if when is None or when < timezone.now():
        raise ValidationError(_("The first meeting must be in the future."))
    live = [Match.Status.PROPOSED, Match.Status.ACTIVE, Match.Status.PAUSED]
    with transaction.atomic():
        locked = Match.objects.select_for_update().filter(pk=match.pk).first()
        if locked is None or locked.status not in live:
            raise ValidationError(_("This match is not running."))
        if locked.first_meeting_held:
            raise ValidationError(_("The first meeting has taken place already."))
        if locked.first_meeting_at == when and (
            place is None or place == locked.first_meeting_place
        ):
            match.refresh_from_db()
            return False
        locked.first_meeting_at = when
        if place is not None:
            locked.first_meeting_place = place[:200]
        locked.first_meeting_held = None
        locked.first_meeting_held_on = None
        locked.first_meeting_recorded_by = ""
        locked.first_meeting_recorded_at = None
        locked.first_meeting_sequence += 1
        locked.first_meeting_changed_at = timezone.now()
        locked.save(
            update_fields=[
                "first_meeting_at",
                "first_meeting_place",
                "first_meeting_held",
                "first_meeting_held_on",
                "first_meeting_recorded_by",
                "first_meeting_recorded_at",
                "first_meeting_sequence",
                "first_meeting_changed_at",
            ]
        )
        if locked.is_running:
            for side in ("mentor", "mentee", "coordinators"):
                _after_commit("send_match_mail", locked.pk, side, "redated")
    match.refresh_from_db()
    logger.info(
        "match %s: first meeting re-dated (version %s)", match.pk, match.first_meeting_sequence
    )
    return True


def first_meeting_overdue_since(match: Match, now: dt.datetime) -> dt.datetime | None:
    """The moment since when the first meeting's record is overdue (a week after its
    planned date, nothing recorded), else None."""
    if match.first_meeting_held is not None or match.first_meeting_at is None:
        return None
    due = match.first_meeting_at + FIRST_MEETING_GRACE
    return due if due < now else None


# --- check-ins -------------------------------------------------------------------------------


def check_in(match: Match, side: str, mood: str, note: str = "", please_contact: bool = False):
    if not match.is_running:
        raise ValidationError(_("This match is not running."))
    checkin = CheckIn(match=match, side=side, mood=mood, note=note, please_contact=please_contact)
    checkin.full_clean()
    checkin.save()
    if please_contact:
        logger.info("match %s: the %s asks to be contacted", match.pk, side)
    return checkin


def last_contact(match: Match) -> dt.datetime | None:
    latest = match.checkins.aggregate(latest=Max("created_at"))["latest"]
    return max(filter(None, [latest, match.started_at]), default=None)


def needing_attention(programmes, now: dt.datetime | None = None) -> list[dict]:
    """Running matches of ``programmes`` that someone should look after: a flag not yet
    handled, no check-in within the programme's interval since the last one (or since
    the start), a first meeting not recorded a week after its date, or one that did not
    take place. Each item: ``match``, ``flagged`` (bool), ``overdue_since`` (datetime or
    None), ``first_meeting_due`` (datetime or None), ``first_meeting_missed`` (bool)."""
    now = now or timezone.now()
    matches = (
        Match.objects.filter(
            programme__in=programmes, status__in=[Match.Status.ACTIVE, Match.Status.PROPOSED]
        )
        .select_related("programme", "mentor", "application")
        .annotate(
            latest_checkin=Max("checkins__created_at"),
        )
    )
    flagged_ids = set(
        CheckIn.objects.filter(
            match__in=matches, please_contact=True, handled_at__isnull=True
        ).values_list("match_id", flat=True)
    )
    found = []
    for match in matches:
        overdue = False
        due = None
        if match.status == Match.Status.ACTIVE:
            since = max(filter(None, [match.latest_checkin, match.started_at]), default=None)
            weeks = match.programme.checkin_interval_weeks
            due = since + timedelta(weeks=weeks) if since else None
            overdue = due is not None and due < now
        first_due = first_meeting_overdue_since(match, now)
        missed = match.first_meeting_held is False
        if overdue or match.pk in flagged_ids or first_due or missed:
            found.append(
                {
                    "match": match,
                    "flagged": match.pk in flagged_ids,
                    "overdue_since": due if overdue else None,
                    "first_meeting_due": first_due,
                    "first_meeting_missed": missed,
                }
            )
    found.sort(
        key=lambda item: (
            not (item["flagged"] or item["first_meeting_missed"]),
            min(filter(None, [item["overdue_since"], item["first_meeting_due"], now])),
        )
    )
    return found


def handle_flags(match: Match) -> int:
    return CheckIn.objects.filter(match=match, please_contact=True, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )


# --- feedback when a match has ended ------------------------------------------------------------


def give_feedback(
    match: Match, side: str, mood: str, note: str = "", new_match: bool = False
) -> Feedback | None:
    """One side's feedback on an ended match; once per side (a second answer changes
    nothing and returns None). Only the mentor can ask for a new match."""
    if match.status != Match.Status.ENDED:
        raise ValidationError(_("Feedback can be given once the match has ended."))
    if match.application.anonymised_at is not None:
        raise ValidationError(_("This match is closed."))
    feedback = Feedback(
        match=match, side=side, mood=mood, note=note, new_match=new_match and side == "mentor"
    )
    feedback.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:  # this side answered already (or twice in the same moment)
        return None
    if feedback.new_match:
        _after_commit("send_match_mail", match.pk, "coordinators", "new_match")
    logger.info("match %s: feedback from the %s", match.pk, side)
    return feedback


# --- trainings --------------------------------------------------------------------------------


def training_events(site):
    """The events of ``site`` a programme can invite its mentors to: published, public (no
    view restriction), not yet begun, with sign-up on this site; in the site's default
    language (a mentor's mail links the translation in their language where there is one)."""
    from events.models import EventPage

    return (
        EventPage.objects.live()
        .public()
        .descendant_of(site.root_page)
        .filter(registration_enabled=True, start__gt=timezone.now())
        .order_by("start")
    )


def invite_to_training(programme: Programme, event, *, by=None) -> TrainingInvitation:
    """Every mentor of ``programme`` with an address gets a mail in their language with the
    event's link; once per programme and event (a second call is refused)."""
    event = training_events(programme.site).filter(pk=getattr(event, "pk", event)).first()
    if event is None:
        raise ValidationError(_("Choose an upcoming event of this town with sign-up."))
    mentors = programme.mentors.exclude(email="")
    invitation = TrainingInvitation(
        programme=programme,
        event=event,
        invited_by=by if getattr(by, "is_authenticated", False) else None,
        mentors=mentors.count(),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("The mentors of this programme have been invited to this event already.")
        ) from exc
    for mentor_id in mentors.values_list("pk", flat=True):
        _after_commit("send_training_invitation", invitation.pk, mentor_id)
    logger.info(
        "programme %s: %d mentors invited to event %s", programme.pk, invitation.mentors, event.pk
    )
    return invitation


# --- housekeeping ----------------------------------------------------------------------------

ANONYMOUS = "–"
CERTIFICATE_REMINDER_DAYS = 42


def anonymise_ended(now: dt.datetime | None = None) -> int:
    """A mentee's personal data go ANONYMISE_AFTER_DAYS after their last match ended (or
    after their application was closed without one); what stays counts for the report
    (programme, dates, status, reason for ending) and names no one. Check-in notes and the
    mentee's feedback note go too."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=setting("ANONYMISE_AFTER_DAYS"))
    live = Match.objects.filter(
        status__in=[Match.Status.PROPOSED, Match.Status.ACTIVE, Match.Status.PAUSED]
    )
    recent = Match.objects.filter(ended_at__gte=cutoff)
    due = (
        Application.objects.filter(anonymised_at__isnull=True)
        .filter(
            Q(status=Application.Status.CLOSED)
            | Q(status=Application.Status.WAITING, created_at__lt=cutoff)
        )
        .filter(created_at__lt=cutoff)
        .exclude(pk__in=live.values("application_id"))
        .exclude(pk__in=recent.values("application_id"))
    )
    with transaction.atomic():
        ids = list(due.select_for_update().values_list("pk", flat=True))
        Application.objects.filter(pk__in=ids).update(
            name=ANONYMOUS,
            email="",
            phone="",
            area="",
            family="",
            message="",
            counsellor_name="",
            counsellor_email="",
            status=Application.Status.CLOSED,
            anonymised_at=now,
        )
        CheckIn.objects.filter(match__application_id__in=ids).update(note="")
        # the mentee's look back goes with the rest; the mood stays for the numbers
        Feedback.objects.filter(match__application_id__in=ids, side="mentee").update(note="")
    if ids:
        logger.info("anonymised %d mentoring applications", len(ids))
    return len(ids)


def remind_certificates(today: dt.date | None = None) -> int:
    """Mentors working with children whose police certificate runs out within six weeks get
    one reminder (and their programme's coordinators a copy)."""
    today = today or timezone.localdate()
    reminded = 0
    mentors = MentorProfile.objects.filter(
        active=True, works_with_children=True, police_certificate_date__isnull=False
    ).exclude(certificate_reminded_for=F("police_certificate_date"))
    for mentor in mentors.select_related("programme"):
        until = ranking.certificate_valid_until(mentor.police_certificate_date)
        if until is None or (until - today).days > CERTIFICATE_REMINDER_DAYS:
            continue
        updated = (
            MentorProfile.objects.filter(pk=mentor.pk)
            .exclude(certificate_reminded_for=mentor.police_certificate_date)
            .update(certificate_reminded_for=mentor.police_certificate_date)
        )
        if updated:
            _after_commit("send_certificate_reminder", mentor.pk)
            reminded += 1
    return reminded
