"""Who may do what in a town's interpreter pool; every view asks here.

- **requesters**: the members of the town's network (staff of member organisations and
  of the city) and its integration managers; they see their own requests only, and of
  an assigned request the mediator's first name and contact;
- **coordinators**: the town's integration managers (superusers too); they see every
  request of the town and step in;
- **mediators**: reach their offers through the secret link of the offer mail, and
  their own assignments when signed in.

Nothing of one town reaches another town's people.
"""

from __future__ import annotations

from django.db.models import QuerySet

from treffpunkt.accounts import roles

from .models import Assignment, Mediator, Request


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_request(user, site) -> bool:
    return _signed_in(user) and roles.is_network_member(user, site)


def is_coordinator(user, site) -> bool:
    return roles.is_manager(user, site)


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
