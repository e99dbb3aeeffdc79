"""Who belongs to the network and to which working group.

Other apps ask these functions and never read ``Membership`` rows themselves, so the rules
(the town's managers count as members, only active memberships give access) live in one place.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from django.conf import settings
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


#: people whose memberships this process keeps (the oldest go first)
_KEPT_PEOPLE = 2000
_kept: OrderedDict[int, tuple[int, dict[str, tuple[str, bool]]]] = OrderedDict()
_kept_lock = threading.Lock()


def _statuses_of(user_pk: int) -> dict[str, tuple[str, bool]]:
    """Per group (its translation key, as text): the status of the person's first membership
    in ``Membership``'s own order (the group's page in the tree's order, coordinators first,
    the oldest first: a row an admin made on a translation comes after the original page's)
    and whether any of them is active. One small query."""
    found: dict[str, tuple[str, bool]] = {}
    rows = Membership.objects.filter(user_id=user_pk).values_list(
        "working_group__translation_key", "status"
    )
    for key, status in rows:
        first, active = found.get(str(key), (status, False))
        found[str(key)] = (first, active or status == Membership.Status.ACTIVE)
    return found


def _kept_statuses(user_pk: int) -> dict[str, tuple[str, bool]]:
    """:func:`_statuses_of`, kept in this process while no membership changed anywhere.

    The memberships' generation is shared by every process (read in the round trip that finds
    the site), so a change made in another process is seen at the next request. Without a
    cache shared by the processes, asked of the database every time."""
    from treffpunkt.core import generations

    from .queries import MEMBERSHIPS_GENERATION

    if not getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        return _statuses_of(user_pk)
    generation = generations.read_once(MEMBERSHIPS_GENERATION)
    kept = _kept.get(user_pk)
    if kept is not None and kept[0] == generation:
        return kept[1]
    statuses = _statuses_of(user_pk)
    # not when the generation was lost at once (nothing to tell the copy is out of date),
    # nor from inside an uncommitted change (the rows read may yet be rolled back)
    if generation and generations.settled():
        with _kept_lock:
            _kept[user_pk] = (generation, statuses)
            _kept.move_to_end(user_pk)
            while len(_kept) > _KEPT_PEOPLE:
                _kept.popitem(last=False)
    return statuses


def own_status(user, group: WorkingGroupPage) -> tuple[str | None, bool]:
    """The status of the person's own membership of the group, in any language (a request, a
    left one...; None without one) and whether they are a member (:func:`is_member`)."""
    if not _signed_in(user):
        return None, False
    status, active = _kept_statuses(user.pk).get(str(group.translation_key), (None, False))
    return status, _manages(user, group) or active


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


def forget_all() -> None:
    """Forget the memberships this process keeps (tests)."""
    with _kept_lock:
        _kept.clear()
