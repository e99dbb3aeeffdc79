"""What the mentoring plugin contributes to the core: the coordinators' and mentors' panel on
the dashboard, the managers' panel in the admin, and the committee report's section.

Declared on ``MentoringConfig`` (``dashboard_panels``, ``admin_panels``, ``report_sections``),
so they run only on sites where the plugin is on.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from treffpunkt.accounts.dashboard import DashboardPanel
from treffpunkt.signals import account_deleted, personal_data_export

from . import access, services
from .models import Application, Match, MentorProfile, Programme

RUNNING = (Match.Status.ACTIVE, Match.Status.PAUSED)


def mentoring_panel(sender, request, **kwargs) -> DashboardPanel | None:
    """Coordinators: matches that need attention and applications waiting; mentors: their
    matches. Nothing for anyone else."""
    user = request.user
    programmes = access.coordinated_programmes(sender, user)
    attention = services.needing_attention(programmes) if programmes.exists() else []
    waiting = (
        Application.objects.filter(
            programme__in=programmes, status=Application.Status.WAITING
        ).count()
        if programmes.exists()
        else 0
    )
    matches = list(access.mentor_matches(sender, user).select_related("programme")[:10])
    if not programmes.exists() and not matches:
        return None
    return DashboardPanel(
        title=_("Mentoring"),
        template="mentoring/dashboard_panel.html",
        context={
            "coordinator": programmes.exists(),
            "attention": attention,
            "waiting": waiting,
            "matches": matches,
        },
        order=30,
    )


def _period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)),
    )


def waiting_days(applications, now: dt.datetime) -> list[float]:
    """Days each confirmed application waited (or has waited so far) for its first match."""
    days = []
    for application in applications:
        if application.confirmed_at is None:
            continue
        matched = application.first_started
        days.append(((matched or now) - application.confirmed_at).total_seconds() / 86400)
    return days


def mentoring_report_section(sender, start, end, action_field=None, **kwargs):
    """Per programme of the action field: running matches, waiting applications with the
    median waiting time, and matches ended in the period with their reasons."""
    from django.db.models import Min

    from treffpunkt.reports import ReportRow, ReportSection

    programmes = Programme.objects.filter(site=sender)
    programmes = (
        programmes.filter(action_field__isnull=True)
        if action_field is None
        else programmes.filter(action_field=action_field)
    )
    period_start, period_end = _period(start, end)
    now = min(timezone.now(), period_end)
    programmes = programmes.annotate(
        running=Count("matches", filter=Q(matches__status__in=RUNNING), distinct=True),
        waiting=Count(
            "applications",
            filter=Q(applications__status=Application.Status.WAITING),
            distinct=True,
        ),
    )
    rows = []
    for programme in programmes:
        applications = (
            Application.objects.filter(
                programme=programme,
                confirmed_at__isnull=False,
                confirmed_at__lt=period_end,
            )
            .exclude(status=Application.Status.CLOSED, confirmed_at__lt=period_start)
            .annotate(first_started=Min("matches__started_at"))
        )
        days = waiting_days(applications, now)
        ended = Counter(
            Match.objects.filter(
                programme=programme,
                status=Match.Status.ENDED,
                ended_at__gte=period_start,
                ended_at__lt=period_end,
            ).values_list("end_reason", flat=True)
        )
        if not (programme.running or programme.waiting or ended or days):
            continue
        reasons = dict(Match.EndReason.choices)
        detail = _(
            "%(running)d running matches, %(waiting)d applications waiting, "
            "median waiting time %(median)s days"
        ) % {
            "running": programme.running,
            "waiting": programme.waiting,
            "median": f"{statistics.median(days):.0f}" if days else "–",
        }
        if ended:
            why = ", ".join(
                f"{reasons.get(reason, reason)}: {count}" for reason, count in ended.most_common()
            )
            detail += "; " + _("%(ended)d ended (%(why)s)") % {
                "ended": sum(ended.values()),
                "why": why,
            }
        rows.append(ReportRow(title=programme.name, detail=detail))
    if not rows:
        return None
    return ReportSection(title=_("Mentoring and tandems"), rows=rows, order=40)


# --- the core's person signals: they reach this plugin on every site, also where it is off
# (see treffpunkt.signals), so what it stored while it was on is not forgotten.


@receiver(account_deleted, dispatch_uid="mentoring_forget_person")
def forget_person(sender, user, emails=frozenset(), **kwargs) -> None:
    """A deleted account's mentor profiles lose name and contact and take no new match;
    applications made with one of its addresses are anonymised like ended ones."""
    profiles = MentorProfile.objects.filter(Q(user_id=user.pk) | Q(email__in=list(emails)))
    profiles.update(
        user=None, name=services.ANONYMOUS, email="", phone="", interests="", active=False
    )
    # applications a deleted counsellor made for others keep no trace of the counsellor
    Application.objects.filter(
        Q(counsellor_id=user.pk) | Q(counsellor_email__in=list(emails))
    ).update(counsellor=None, counsellor_name=services.ANONYMOUS, counsellor_email="")
    Application.objects.filter(email__in=list(emails)).update(
        name=services.ANONYMOUS,
        email="",
        phone="",
        area="",
        family="",
        message="",
        counsellor_name="",
        anonymised_at=timezone.now(),
    )


@receiver(personal_data_export, dispatch_uid="mentoring_export_person")
def export_person(sender, user, emails=frozenset(), **kwargs):
    """The person's mentor profiles (with their matches), their own applications, and the
    applications they made for others as a counsellor (see :func:`_submitted_for_others`)."""
    emails = list(emails)
    profiles = MentorProfile.objects.filter(Q(user_id=user.pk) | Q(email__in=emails))
    applications = Application.objects.filter(email__in=emails)
    for_others = Application.objects.filter(
        Q(counsellor_id=user.pk) | Q(counsellor_email__in=emails),
        applied_by=Application.AppliedBy.COUNSELLOR,
    )
    if not profiles.exists() and not applications.exists() and not for_others.exists():
        return None
    return {
        "section": "mentoring",
        "data": {
            "mentor_profiles": [
                {
                    "programme": profile.programme.name,
                    "name": profile.name,
                    "email": profile.email,
                    "phone": profile.phone,
                    "languages": profile.languages,
                    "offers": profile.offers,
                    "area": profile.area,
                    "availability": profile.availability,
                    "police_certificate_date": profile.police_certificate_date,
                    "matches": [
                        {
                            "status": match.status,
                            "started_at": match.started_at,
                            "ended_at": match.ended_at,
                        }
                        for match in profile.matches.all()
                    ],
                }
                for profile in profiles.select_related("programme")
            ],
            "applications": [
                {
                    "programme": application.programme.name,
                    "name": application.name,
                    "email": application.email,
                    "phone": application.phone,
                    "languages": application.languages,
                    "seeks": application.seeks,
                    "area": application.area,
                    "family": application.family,
                    "status": application.status,
                    "created_at": application.created_at,
                    "consent_at": application.consent_at,
                }
                for application in applications.select_related("programme")
            ],
            "applications_made_for_others": [
                _submitted_for_others(application)
                for application in for_others.select_related("programme").order_by("created_at")
            ],
        },
    }


def _submitted_for_others(application: Application) -> dict:
    """What a counsellor submitted for someone, as far as it is about the counsellor: the
    programme, when, the name and address recorded for them, the consent they recorded and
    the state. Nothing about the person applied for (name, family, what they seek): that is
    another person's data, which a download of one's own never carries; the person, or the
    counsellor on their behalf, asks the programme's coordinators, who hold it."""
    return {
        "programme": application.programme.name,
        "submitted_at": application.created_at,
        "recorded_counsellor_name": application.counsellor_name,
        "recorded_counsellor_email": application.counsellor_email,
        "consent_recorded_at": application.consent_at,
        "consent_text_version": application.consent_text_version,
        "status": application.status,
        "anonymised_at": application.anonymised_at,
        "person_has_own_address": bool(application.email),
    }
