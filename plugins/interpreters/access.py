"""Who may do what in a town's interpreter pool; every view asks here.

- **requesters**: the members of the town's network (staff of member organisations and
  of the city) and its integration managers; they see their own requests only, and of
  an assigned request the mediator's first name and contact;
- **coordinators**: the town's integration managers (superusers too) and the network
  members a manager named pool coordinators of the town (:class:`.models.PoolCoordinator`);
  they see every request of the town, step in, confirm hours and get the escalation mails.
  Naming coordinators stays with the managers, as does everything else of theirs;
- **mediators**: reach their offers through the secret link of the offer mail, and
  their own assignments when signed in.

Nothing of one town reaches another town's people.
"""

from __future__ import annotations

from django.db.models import QuerySet

from treffpunkt.accounts import roles

from .models import Assignment, Mediator, PoolCoordinator, Request

_COORDINATOR_CACHE = "_interpreters_coordinator_sites"


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_request(user, site) -> bool:
    return _signed_in(user) and roles.is_network_member(user, site)


def is_coordinator(user, site) -> bool:
    """The town's managers, and its named pool coordinators while they belong to its
    network (asked once per user object and town)."""
    if roles.is_manager(user, site):
        return True
    if not can_request(user, site):
        return False
    site_id = getattr(site, "pk", site)
    cache = getattr(user, _COORDINATOR_CACHE, None)
    if cache is None:
        cache = {}
        setattr(user, _COORDINATOR_CACHE, cache)
    if site_id not in cache:
        cache[site_id] = PoolCoordinator.objects.filter(site_id=site_id, user=user).exists()
    return cache[site_id]


def can_name_coordinators(user, site) -> bool:
    """Only the town's integration managers name and remove pool coordinators."""
    return roles.is_manager(user, site)


def named_coordinators(site) -> QuerySet[PoolCoordinator]:
    """The named pool coordinators of ``site`` who still belong to its network."""
    return PoolCoordinator.objects.filter(
        site=site, user__is_active=True, user__in=roles.network_members_of(site)
    ).select_related("user")


def requests_for(user, site) -> QuerySet[Request]:
    """The requests of ``site`` that ``user`` may see: all for coordinators, else their own."""
    if not _signed_in(user):
        return Request.objects.none()
    requests = Request.objects.filter(site=site)
    if is_coordinator(user, site):
        return requests
    return requests.filter(requester=user)


def mediator_of(user, site) -> Mediator | None:
    if not _signed_in(user):
        return None
    return Mediator.objects.filter(site=site, user=user).first()


def assignments_for(user, site) -> QuerySet[Assignment]:
    """The assignments ``user`` interprets at in ``site``."""
    if not _signed_in(user):
        return Assignment.objects.none()
    return Assignment.objects.filter(request__site=site, mediator__user=user)
