"""What people do with working groups: ask to join, decide, leave, remove, post.

Every action checks its rules here (not in the view) and raises :class:`MembershipError`
with a message for the person when it cannot happen; nothing is changed in that case.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from treffpunkt.core.converters import bounded_int

from . import tasks
from .membership import is_coordinator, is_member
from .models import GroupPost, Membership, WorkingGroupPage

#: the optional message sent with the answer to a join request
NOTE_MAX_LENGTH = 1000


class MembershipError(Exception):
    """An action on a membership that is not allowed; ``str()`` is the translated message."""


def source_group(group: WorkingGroupPage) -> WorkingGroupPage:
    """The page memberships point to: the original of a translated or aliased group page."""
    if group.alias_of_id:
        group = WorkingGroupPage.objects.get(pk=group.alias_of_id)
    original = (
        WorkingGroupPage.objects.filter(translation_key=group.translation_key)
        .order_by("pk")
        .first()
    )
    return original or group


def _set_status(membership: Membership, status: str, **changes) -> Membership:
    membership.status = status
    for name, value in changes.items():
        setattr(membership, name, value)
    membership.save()  # sends membership_changed
    return membership


def _membership_for_update(pk: int) -> Membership | None:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("working_group")
        .filter(pk=pk)
        .first()
    )


@transaction.atomic
def request_to_join(user, group: WorkingGroupPage, message: str = "") -> Membership:
    """A network member asks to join; the group's coordinators get an email."""
    group = source_group(group)
    if not user.is_authenticated:
        raise MembershipError(_("Please sign in to join a working group."))
    if not group.accepts_members:
        raise MembershipError(_("This working group is closed and takes no new members."))
    if len(message) > 1000:
        raise MembershipError(_("Your message is too long (at most 1000 characters)."))
    existing = Membership.objects.select_for_update().filter(working_group=group, user=user).first()
    if existing is not None:
        if existing.status == Membership.Status.ACTIVE:
            raise MembershipError(_("You are already a member of this working group."))
        if existing.status == Membership.Status.REQUESTED:
            raise MembershipError(
                _("You have already asked to join; the coordinators will answer.")
            )
        if existing.status == Membership.Status.REMOVED:
            raise MembershipError(
                _("You were removed from this working group; please talk to its coordinators.")
            )
        membership = _set_status(
            existing, Membership.Status.REQUESTED, message=message, role=Membership.Role.MEMBER
        )
    else:
        membership = Membership.objects.create(
            working_group=group, user=user, message=message, status=Membership.Status.REQUESTED
        )
    transaction.on_commit(lambda: tasks.notify_join_request.enqueue(membership.pk))
    return membership


def _decidable(actor, group: WorkingGroupPage, membership_id: int) -> Membership:
    group = source_group(group)
    if not is_coordinator(actor, group):
        raise MembershipError(_("Only the coordinators of this working group can do that."))
    pk = bounded_int(membership_id, minimum=1)
    membership = _membership_for_update(pk) if pk is not None else None
    if membership is None or membership.working_group_id != group.pk:
        raise MembershipError(_("This request does not exist."))
    return membership


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise MembershipError(
            _("Your message is too long (at most %(limit)d characters).")
            % {"limit": NOTE_MAX_LENGTH}
        )
    return note


def _answer(actor, membership: Membership, accept: bool, note: str) -> Membership:
    if membership.status != Membership.Status.REQUESTED:
        raise MembershipError(_("This request has already been answered."))
    # the receiver that mails the answer reads the note from the saved instance
    membership.decision_note = note
    status = Membership.Status.ACTIVE if accept else Membership.Status.DECLINED
    return _set_status(membership, status, decided_by=actor)


@transaction.atomic
def approve(actor, group: WorkingGroupPage, membership_id: int, note: str = "") -> Membership:
    note = _check_note(note)
    return _answer(actor, _decidable(actor, group, membership_id), True, note)


@transaction.atomic
def decline(actor, group: WorkingGroupPage, membership_id: int, note: str = "") -> Membership:
    note = _check_note(note)
    return _answer(actor, _decidable(actor, group, membership_id), False, note)


@transaction.atomic
def answer_request(actor, membership_id, accept: bool, note: str = "") -> Membership:
    """Accept or decline one request from outside the group's page (the admin's start page
    and list): the same rule, the coordinators of the group and the managers of its town."""
    note = _check_note(note)
    pk = bounded_int(membership_id, minimum=1)
    membership = _membership_for_update(pk) if pk is not None else None
    if membership is None:
        raise MembershipError(_("This request does not exist."))
    if not is_coordinator(actor, membership.working_group):
        # another town's request is as unknown as a missing one
        raise MembershipError(_("This request does not exist."))
    return _answer(actor, membership, accept, note)


@transaction.atomic
def remove(actor, group: WorkingGroupPage, membership_id: int) -> Membership:
    membership = _decidable(actor, group, membership_id)
    if membership.status != Membership.Status.ACTIVE:
        raise MembershipError(_("This person is not a member."))
    if membership.user_id == actor.pk:
        raise MembershipError(_("To leave the group yourself, use “Leave the group”."))
    _set_status(membership, Membership.Status.REMOVED, decided_by=actor)
    return membership


@transaction.atomic
def set_role(actor, group: WorkingGroupPage, membership_id: int, role: str) -> Membership:
    membership = _decidable(actor, group, membership_id)
    if role not in Membership.Role.values:
        raise MembershipError(_("Unknown role."))
    if membership.status != Membership.Status.ACTIVE:
        raise MembershipError(_("This person is not a member."))
    if role == Membership.Role.MEMBER and membership.role == Membership.Role.COORDINATOR:
        _keep_a_coordinator(membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


def _keep_a_coordinator(membership: Membership) -> None:
    others = Membership.objects.filter(
        working_group_id=membership.working_group_id,
        status=Membership.Status.ACTIVE,
        role=Membership.Role.COORDINATOR,
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise MembershipError(_("A working group needs at least one coordinator."))


@transaction.atomic
def leave(user, group: WorkingGroupPage) -> Membership:
    group = source_group(group)
    membership = (
        Membership.objects.select_for_update()
        .filter(working_group=group, user_id=user.pk if user.is_authenticated else None)
        .first()
    )
    if membership is None or membership.status not in (
        Membership.Status.ACTIVE,
        Membership.Status.REQUESTED,
    ):
        raise MembershipError(_("You are not a member of this working group."))
    if membership.role == Membership.Role.COORDINATOR:
        _keep_a_coordinator(membership)
    return _set_status(membership, Membership.Status.LEFT, role=Membership.Role.MEMBER)


@transaction.atomic
def set_announcement_emails(user, group: WorkingGroupPage, receive: bool) -> Membership:
    group = source_group(group)
    membership = Membership.objects.filter(
        working_group=group, user_id=user.pk, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise MembershipError(_("You are not a member of this working group."))
    membership.receive_announcements = receive
    membership.save(update_fields=["receive_announcements", "updated_at"])
    return membership


@transaction.atomic
def add_post(
    user, group: WorkingGroupPage, kind: str, title: str, body: str, meeting_date=None
) -> GroupPost:
    """Members post minutes and announcements; announcements go out to those who opted in."""
    group = source_group(group)
    if not is_member(user, group):
        raise MembershipError(_("Only members of this working group can do that."))
    post = GroupPost.objects.create(
        working_group=group,
        kind=kind,
        title=title,
        body=body,
        meeting_date=meeting_date,
        author=user,
    )
    if kind == GroupPost.Kind.ANNOUNCEMENT:
        transaction.on_commit(lambda: tasks.send_announcement.enqueue(post.pk))
    return post
