"""The committee report, for integration managers (in the admin's Reports menu)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from wagtail.models import Site

from treffpunkt.accounts import roles

from .forms import ReportForm
from .report import build_report, report_filename, report_pdf


def may_see_report(user) -> bool:
    """Superusers, and integration managers (for the towns they manage)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            user.is_superuser
            or (user.has_perm("networks.view_measure") and roles.manages_any(user))
        )
    )


def _default_site(request):
    """The site of the request if the person manages it, else the first they manage."""
    site = Site.find_for_request(request)
    if site is not None and roles.is_manager(request.user, site):
        return site
    return roles.managed_sites(request.user).first()


def committee_report(request):
    if not may_see_report(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    initial = {
        "site": _default_site(request),
        "start": dt.date(today.year, 1, 1),
        "end": today,
    }
    form = ReportForm(
        request.GET if "start" in request.GET else None, initial=initial, user=request.user
    )
    reports, site, start, end = None, None, None, None
    if form.is_bound and form.is_valid():
        site, start, end = (form.cleaned_data[k] for k in ("site", "start", "end"))
    elif not form.is_bound:
        site, start, end = initial["site"], initial["start"], initial["end"]
    if site is not None:
        reports = build_report(site, start, end)
        if request.GET.get("format") == "pdf":
            response = HttpResponse(
                report_pdf(site, start, end, reports), content_type="application/pdf"
            )
            response["Content-Disposition"] = content_disposition_header(
                False, report_filename(site, start, end)
            )
            return response
    query = request.GET.copy()
    query["format"] = "pdf"
    if not form.is_bound and site is not None:
        query.update({"site": site.pk, "start": start.isoformat(), "end": end.isoformat()})
    return TemplateResponse(
        request,
        "networks/report.html",
        {
            "form": form,
            "reports": reports,
            "report_site": site,
            "start": start,
            "end": end,
            "pdf_query": query.urlencode(),
        },
        status=200 if reports is not None or not form.is_bound else 400,
    )
