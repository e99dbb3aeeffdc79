"""Who belongs to the network and to which working group.

Other apps ask these functions and never read ``Membership`` rows themselves, so the rules
(the town's managers count as members, only active memberships give access) live in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from treffpunkt.accounts import roles

from .models import Membership, WorkingGroupPage

if TYPE_CHECKING:
    from wagtail.models import Site


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _manages(user, group: WorkingGroupPage) -> bool:
    """Superusers and the managers of the group's town count as members of its groups."""
    return user.is_superuser or (roles.manages_any(user) and roles.manages_page(user, group))


def is_network_member(user, site: Site | None = None) -> bool:
    """A member of the town's network (its members, its managers, superusers): the rule
    of :func:`treffpunkt.accounts.roles.is_network_member`. Without a site: of any town."""
    return roles.is_network_member(user, site)


def _active(user, group: WorkingGroupPage) -> QuerySet[Membership]:
    # Memberships belong to the group in every language: a translation of the page
    # shares its translation_key with the page the membership points to.
    return Membership.objects.filter(
        working_group__translation_key=group.translation_key,
        user_id=user.pk,
        status=Membership.Status.ACTIVE,
    )


def is_member(user, group: WorkingGroupPage) -> bool:
    """An active membership in any role; the town's managers count as members."""
    if not _signed_in(user):
        return False
    if _manages(user, group):
        return True
    return _active(user, group).exists()


def own_membership(user, group: WorkingGroupPage) -> tuple[Membership | None, bool]:
    """The person's own membership of the group (in any language; a request, a left one...)
    and whether they are a member (:func:`is_member`), in one query."""
    if not _signed_in(user):
        return None, False
    rows = list(
        Membership.objects.filter(
            working_group__translation_key=group.translation_key, user_id=user.pk
        )
    )
    member = _manages(user, group) or any(m.status == Membership.Status.ACTIVE for m in rows)
    return (rows[0] if rows else None), member


def is_coordinator(user, group: WorkingGroupPage) -> bool:
    """An active membership as coordinator; the town's managers may coordinate."""
    if not _signed_in(user):
        return False
    if _manages(user, group):
        return True
    return _active(user, group).filter(role=Membership.Role.COORDINATOR).exists()


def groups_of(user) -> QuerySet[WorkingGroupPage]:
    """The working groups in which the user has an active membership (staff: their own too)."""
    if not user or not user.is_authenticated:
        return WorkingGroupPage.objects.none()
    return WorkingGroupPage.objects.filter(
        memberships__user_id=user.pk, memberships__status=Membership.Status.ACTIVE
    ).distinct()


def group_ids_of(user) -> list[int]:
    """The pages' ids of :func:`groups_of`, in order (one small query, asked once a request)."""
    from treffpunkt.core.requestmemo import memoized

    if not user or not user.is_authenticated:
        return []
    return memoized(
        ("working-group-ids", user.pk),
        lambda: sorted(
            set(
                Membership.objects.filter(
                    user_id=user.pk, status=Membership.Status.ACTIVE
                ).values_list("working_group_id", flat=True)
            )
        ),
    )


def members_of(group: WorkingGroupPage) -> QuerySet:
    """People with an active membership of the group (organisations are not people)."""
    return (
        get_user_model()
        .objects.filter(
            working_group_memberships__working_group__translation_key=group.translation_key,
            working_group_memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
    )
