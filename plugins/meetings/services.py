"""Every change a person makes to a meeting date, with its checks.

Each function checks access on the server, validates its input and either does all of its
work in one transaction or raises :class:`MeetingError` (a ``ValidationError`` carrying a
message in the user's language) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import access, schedule
from .models import (
    AgendaItem,
    Decision,
    MeetingSeriesPage,
    Occurrence,
    OccurrenceStatus,
    Rsvp,
    RsvpAnswer,
    Task,
)

TITLE_MAX = 200
TEXT_MAX = 2000
MINUTES_MAX = 50_000


class MeetingError(ValidationError):
    """A change that was refused; ``messages`` says why, for the person who tried it."""


# --- lookups -------------------------------------------------------------------------------


def resolve_date(series: MeetingSeriesPage, key: str) -> schedule.DateInfo:
    info = schedule.find_date(series, key)
    if info is None:
        raise MeetingError(_("This series has no meeting on that date."))
    return info


def row_for(info: schedule.DateInfo, *, lock: bool = False) -> Occurrence:
    """The database row of a date, made when something is first attached to it."""
    if info.row is not None and not lock:
        return info.row
    # the row belongs to the series (its source page), whatever language it was opened in
    row, _created = Occurrence.objects.get_or_create(
        series=info.series.schedule_source(), original_start=info.original_start
    )
    if lock:
        row = Occurrence.objects.select_for_update().get(pk=row.pk)
    info.row = row
    return row


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise MeetingError(message)


def _require_host(series, user) -> None:
    _require(access.can_host(series, user), _("Only the hosts of this meeting may do that."))


def _require_participant(series, user) -> None:
    _require(
        access.can_participate(series, user),
        _("Only members who take part in this meeting may do that."),
    )


def _require_open(info: schedule.DateInfo, *, allow_past: bool = False) -> None:
    _require(not info.cancelled, _("This date has been cancelled."))
    if not allow_past:
        _require(not info.is_past, _("This date is over and can no longer be changed."))


def _clean_text(value: str | None, label: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise MeetingError(_("Please fill in: %(field)s") % {"field": label})
    if len(text) > max_length:
        raise MeetingError(
            _("%(field)s is too long (at most %(max)d characters).")
            % {"field": label, "max": max_length}
        )
    return text


def _bump_series_sequence(series: MeetingSeriesPage) -> None:
    # update() rather than save(): a date's change is not a new revision of the page.
    source = series.schedule_source()
    MeetingSeriesPage.objects.filter(pk=source.pk).update(sequence=F("sequence") + 1)
    source.refresh_from_db(fields=["sequence"])
    if source is not series:
        series.sequence = source.sequence


def _notify_change(row: Occurrence) -> None:
    from .tasks import notify_date_changed

    transaction.on_commit(lambda: notify_date_changed.enqueue(row.pk, row.sequence))


# --- host: exceptions ------------------------------------------------------------------


def cancel_date(series, key: str, user, note: str = "") -> Occurrence:
    _require_host(series, user)
    info = resolve_date(series, key)
    _require_open(info)
    note = _clean_text(note, _("note"), 300, required=False)
    with transaction.atomic():
        row = row_for(info, lock=True)
        _require(row.status != OccurrenceStatus.CANCELLED, _("This date has been cancelled."))
        row.status = OccurrenceStatus.CANCELLED
        row.note = note
        row.sequence += 1
        row.changed_at = timezone.now()
        row.save(update_fields=["status", "note", "sequence", "changed_at"])
        _bump_series_sequence(series)
        _notify_change(row)
    return row


def _check_times(start: dt.datetime | None, end: dt.datetime | None) -> None:
    _require(start is not None and end is not None, _("Give a start and an end."))
    _require(end > start, _("The meeting must end after it starts."))
    _require(end - start <= dt.timedelta(hours=24), _("A meeting lasts at most 24 hours."))
    _require(start > timezone.now(), _("The new time must be in the future."))


def move_date(series, key: str, user, start, end, location: str = "", note: str = "") -> Occurrence:
    _require_host(series, user)
    info = resolve_date(series, key)
    _require_open(info)
    _check_times(start, end)
    location = _clean_text(location, _("place"), 200, required=False)
    note = _clean_text(note, _("note"), 300, required=False)
    with transaction.atomic():
        row = row_for(info, lock=True)
        _require(row.status != OccurrenceStatus.CANCELLED, _("This date has been cancelled."))
        row.start, row.end = start, end
        row.location = location
        row.note = note
        if not row.is_extra:
            row.status = OccurrenceStatus.MOVED
        row.sequence += 1
        row.changed_at = timezone.now()
        row.save(
            update_fields=["start", "end", "location", "note", "status", "sequence", "changed_at"]
        )
        _notify_change(row)
    return row


def add_extra_date(series, user, start, end, location: str = "") -> Occurrence:
    _require_host(series, user)
    _check_times(start, end)
    location = _clean_text(location, _("place"), 200, required=False)
    key = schedule.as_local(start).date().isoformat()
    _require(
        schedule.find_date(series, key) is None,
        _("The series already has a meeting on that day. Move that date instead."),
    )
    try:
        with transaction.atomic():
            row = Occurrence.objects.create(
                series=series.schedule_source(),
                original_start=start,
                is_extra=True,
                start=start,
                end=end,
                location=location,
                changed_at=timezone.now(),
            )
            _bump_series_sequence(series)
    except IntegrityError as exc:
        raise MeetingError(
            _("The series already has a meeting on that day. Move that date instead.")
        ) from exc
    return row


# --- members: RSVP and agenda ----------------------------------------------------------


def set_rsvp(series, key: str, user, answer: str) -> Rsvp:
    _require_participant(series, user)
    _require(answer in RsvpAnswer.values, _("Answer yes, no or maybe."))
    info = resolve_date(series, key)
    _require_open(info)
    with transaction.atomic():
        row = row_for(info)
        rsvp, _created = Rsvp.objects.update_or_create(
            occurrence=row, user=user, defaults={"answer": answer}
        )
    return rsvp


def rsvp_counts(row: Occurrence | None) -> dict[str, int]:
    counts = dict.fromkeys(RsvpAnswer.values, 0)
    if row is not None:
        for answer in row.rsvps.values_list("answer", flat=True):
            counts[answer] += 1
    return counts


def rsvp_people(row: Occurrence | None) -> dict[str, list[str]]:
    """Who answered what, by name (for the group's members only: see views.date_detail)."""
    people: dict[str, list[str]] = {answer: [] for answer in RsvpAnswer.values}
    if row is not None:
        rsvps = row.rsvps.select_related("user").order_by(
            "user__first_name", "user__last_name", "user__email"
        )
        for rsvp in rsvps:
            people[rsvp.answer].append(rsvp.user.display_name)
    return people


def add_agenda_item(series, key: str, user, title: str, description: str = "") -> AgendaItem:
    _require_participant(series, user)
    info = resolve_date(series, key)
    _require_open(info)
    title = _clean_text(title, _("topic"), TITLE_MAX)
    description = _clean_text(description, _("details"), TEXT_MAX, required=False)
    with transaction.atomic():
        row = row_for(info, lock=True)
        last = row.agenda_items.order_by("-sort_order").values_list("sort_order", flat=True).first()
        return AgendaItem.objects.create(
            occurrence=row,
            title=title,
            description=description,
            author=user,
            sort_order=(last or 0) + 1,
        )


def _agenda_item(series, key: str, item_id) -> tuple[schedule.DateInfo, AgendaItem]:
    info = resolve_date(series, key)
    item = None
    if info.row is not None:
        item = AgendaItem.objects.filter(pk=_int(item_id), occurrence=info.row).first()
    _require(item is not None, _("This agenda item does not exist."))
    return info, item


def move_agenda_item(series, key: str, user, item_id, direction: str) -> None:
    _require_host(series, user)
    _require(direction in ("up", "down"), _("Move an item up or down."))
    info, item = _agenda_item(series, key, item_id)
    _require_open(info, allow_past=True)
    with transaction.atomic():
        items = list(info.row.agenda_items.select_for_update().order_by("sort_order", "pk"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            if it.sort_order != position:
                it.sort_order = position
                it.save(update_fields=["sort_order"])


def delete_agenda_item(series, key: str, user, item_id) -> None:
    info, item = _agenda_item(series, key, item_id)
    _require(
        access.can_host(series, user)
        or (item.author_id is not None and item.author_id == user.pk and not info.is_past),
        _("Only the hosts or the person who added the item may remove it."),
    )
    item.delete()


# --- hosts: minutes, attendance, decisions, tasks --------------------------------------


def text_to_html(text: str) -> str:
    """Plain text from the front-end form as paragraphs of rich text (escaped)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def save_minutes(
    series, key: str, user, text: str, decisions: Iterable[str] = (), publish: bool = False
) -> Occurrence:
    _require_host(series, user)
    info = resolve_date(series, key)
    _require(not info.cancelled, _("This date has been cancelled."))
    _require(info.start <= timezone.now(), _("Minutes can be written once the meeting has begun."))
    text = _clean_text(text, _("minutes"), MINUTES_MAX, required=publish)
    decisions = [_clean_text(d, _("decision"), TEXT_MAX) for d in decisions if d and d.strip()]
    with transaction.atomic():
        row = row_for(info, lock=True)
        row.minutes = text_to_html(text)
        first_publication = publish and row.minutes_published_at is None
        if first_publication:
            row.minutes_published_at = timezone.now()
        row.save(update_fields=["minutes", "minutes_published_at"])
        start = (
            row.decisions.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
        )
        Decision.objects.bulk_create(
            Decision(occurrence=row, text=d, sort_order=start + i)
            for i, d in enumerate(decisions, start=1)
        )
        if first_publication:
            from .tasks import notify_minutes_published

            transaction.on_commit(lambda: notify_minutes_published.enqueue(row.pk))
    return row


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def record_attendance(series, key: str, user, user_ids: Iterable) -> Occurrence:
    _require_host(series, user)
    info = resolve_date(series, key)
    _require(not info.cancelled, _("This date has been cancelled."))
    _require(info.start <= timezone.now(), _("Attendance can be taken once the meeting has begun."))
    ids = {_int(i) for i in user_ids}
    _require(None not in ids, _("Choose people from the list."))
    people = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    _require(
        len(people) == len(ids) and all(access.can_participate(series, p) for p in people),
        _("Choose people from the list."),
    )
    with transaction.atomic():
        row = row_for(info, lock=True)
        row.attendees.set(people)
    return row


def add_task(series, key: str, user, title: str, owner_id, due_date: dt.date | None) -> Task:
    _require_host(series, user)
    info = resolve_date(series, key)
    _require(not info.cancelled, _("This date has been cancelled."))
    title = _clean_text(title, _("task"), 300)
    owner = get_user_model().objects.filter(pk=_int(owner_id), is_active=True).first()
    _require(
        owner is not None and access.can_participate(series, owner),
        _("Choose a member of this meeting as the person responsible."),
    )
    _require(
        due_date is None or due_date >= info.local_start.date(),
        _("The due date cannot be before the meeting."),
    )
    with transaction.atomic():
        row = row_for(info, lock=True)
        last = row.tasks.order_by("-sort_order").values_list("sort_order", flat=True).first()
        return Task.objects.create(
            occurrence=row, title=title, owner=owner, due_date=due_date, sort_order=(last or 0) + 1
        )


def set_task_done(task_id, user, done: bool) -> Task:
    """The owner or a host ticks a task; any other id is answered as if it did not exist."""
    task = (
        Task.objects.select_related("occurrence__series__working_group")
        .filter(pk=_int(task_id))
        .first()
    )
    allowed = task is not None and (
        (task.owner_id is not None and task.owner_id == user.pk)
        or access.can_host(task.occurrence.series, user)
    )
    _require(allowed, _("This task does not exist."))
    task.done = bool(done)
    task.done_at = timezone.now() if task.done else None
    task.save(update_fields=["done", "done_at"])
    return task


def open_tasks(user, site=None):
    tasks = Task.objects.filter(owner=user, done=False).select_related("occurrence__series")
    if site is not None:
        tasks = tasks.filter(occurrence__series__in=MeetingSeriesPage.objects.in_site(site))
    return tasks.order_by(F("due_date").asc(nulls_last=True), "pk")
