"""Who may see and do what in a programme; every view asks here.

- a programme's coordinators, and the managers of its town, see its applications, mentors
  and matches, and propose and look after matches;
- a mentor sees their own matches, and the mentee's name, languages and what the mentee
  chose to share, only once both sides accepted;
- a mentee has no account: the secret token of their application or match is the key.

Nothing of one town reaches another town's staff: every query goes through
:func:`coordinated_programmes`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from treffpunkt.accounts import roles

from .models import Match, MentorProfile, Programme


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def coordinated_programmes(site, user) -> QuerySet[Programme]:
    """The programmes of ``site`` that ``user`` coordinates (managers: all of the town's)."""
    programmes = Programme.objects.filter(site=site)
    if not _signed_in(user):
        return programmes.none()
    if roles.is_manager(user, site):
        return programmes
    return programmes.filter(coordinators=user)


def can_coordinate(user, programme: Programme) -> bool:
    if not _signed_in(user):
        return False
    if roles.is_manager(user, programme.site_id):
        return True
    return programme.coordinators.filter(pk=user.pk).exists()


def mentor_matches(site, user) -> QuerySet[Match]:
    """The matches of the mentor profiles of ``user`` on ``site``."""
    if not _signed_in(user):
        return Match.objects.none()
    return Match.objects.filter(mentor__user=user, programme__site=site).exclude(
        status=Match.Status.DECLINED
    )


def sees_mentee(user, match: Match) -> bool:
    """The mentor of an accepted match, and the programme's coordinators."""
    if can_coordinate(user, match.programme):
        return True
    return (
        _signed_in(user)
        and match.mentor.user_id == user.pk
        and match.status in (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.ENDED)
    )


def mentor_profiles(site, user) -> QuerySet[MentorProfile]:
    if not _signed_in(user):
        return MentorProfile.objects.none()
    return MentorProfile.objects.filter(user=user, programme__site=site)
