"""Emails about working groups, sent in the background in each recipient's language."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from treffpunkt.core.tasks import MAIL

from .models import GroupPost, Membership


def _send(user, template: str, context: dict) -> None:
    with translation.override(user.preferred_language or "de"):
        text = render_to_string(f"networks/email/{template}.txt", {**context, "recipient": user})
        subject, _sep, body = text.strip().partition("\n")
        send_mail(subject.strip(), body.strip() + "\n", None, [user.email])


def _group_url(group, path: str = "") -> str:
    return (group.full_url or "") + path


def _coordinators(group):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True,
        working_group_memberships__working_group=group,
        working_group_memberships__status=Membership.Status.ACTIVE,
        working_group_memberships__role=Membership.Role.COORDINATOR,
    )


def _deciders(group) -> list:
    """Who may answer a request: the group's coordinators and its town's integration
    managers (each once; superusers only when they coordinate)."""
    from wagtail.models import Site

    from treffpunkt.accounts import roles

    people = {person.pk: person for person in _coordinators(group)}
    site_id = roles.site_of_page(group)
    if site_id is not None:
        for manager in roles.managers_of(Site.objects.get(pk=site_id)):
            people.setdefault(manager.pk, manager)
    return list(people.values())


@task(**MAIL)
def notify_join_request(membership_id: int) -> int:
    """Tell those who may answer (the group's coordinators and the town's managers) that
    someone asked to join, each in their language; returns mails sent."""
    membership = Membership.objects.select_related("working_group", "user").get(pk=membership_id)
    if membership.status != Membership.Status.REQUESTED:
        return 0
    group = membership.working_group
    sent = 0
    for coordinator in _deciders(group):
        if coordinator.pk == membership.user_id:
            continue
        _send(
            coordinator,
            "join_request",
            {
                "membership": membership,
                "group": group,
                "url": _group_url(group, "intern/"),
            },
        )
        sent += 1
    return sent


@task(**MAIL)
def notify_decision(membership_id: int, note: str = "") -> int:
    """Tell the person who asked whether they were accepted (with the decider's ``note``)."""
    membership = Membership.objects.select_related("working_group", "user").get(pk=membership_id)
    if membership.user is None or membership.status not in (
        Membership.Status.ACTIVE,
        Membership.Status.DECLINED,
    ):
        return 0
    group = membership.working_group
    _send(
        membership.user,
        "decision",
        {
            "membership": membership,
            "group": group,
            "accepted": membership.status == Membership.Status.ACTIVE,
            "note": note,
            "url": _group_url(group, "intern/"),
        },
    )
    return 1


@task(**MAIL)
def send_announcement(post_id: int) -> int:
    """Send an internal announcement to the members who opted in (not to its author)."""
    post = GroupPost.objects.select_related("working_group", "author").get(pk=post_id)
    group = post.working_group
    memberships = (
        Membership.objects.filter(
            working_group=group,
            status=Membership.Status.ACTIVE,
            receive_announcements=True,
            user__is_active=True,
        )
        .exclude(user_id=post.author_id)
        .select_related("user")
    )
    sent = 0
    for membership in memberships:
        _send(
            membership.user,
            "announcement",
            {"post": post, "group": group, "url": _group_url(group, "intern/")},
        )
        sent += 1
    return sent
