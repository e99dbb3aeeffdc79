"""The pool's pages: requests (requesters, coordinators), offers (by the mail's secret
link, answered only by POST) and a mediator's own assignments."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from . import access, services
from .forms import RequestForm
from .models import Offer, Request
from .ranking import rank, reasons


def _site(request: HttpRequest) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    return site


def requester_view(view):
    """Signed-in requesters of this town only (others: sign in, or 403); passes the site."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        site = _site(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.can_request(request.user, site):
            raise PermissionDenied
        return view(request, site, *args, **kwargs)

    return wrapped


@requester_view
def request_list(request: HttpRequest, site: Site) -> HttpResponse:
    requests = access.requests_for(request.user, site).select_related("requester")
    coordinator = access.is_coordinator(request.user, site)
    if not coordinator:
        requests = requests.exclude(status=Request.Status.CANCELLED)
    return render(
        request,
        "interpreters/request_list.html",
        {"requests": requests.order_by("-starts_at")[:200], "coordinator": coordinator},
    )


@require_http_methods(["GET", "POST"])
@requester_view
def request_new(request: HttpRequest, site: Site) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = form.save(commit=False)
        new.site = site
        new.requester = request.user
        services.create_request(new)
        return redirect("plugins:interpreters:request", new.pk)
    return render(
        request,
        "interpreters/request_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _visible_request(request: HttpRequest, site: Site, request_id: int) -> Request:
    found = access.requests_for(request.user, site).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


@requester_view
def request_detail(request: HttpRequest, site: Site, request_id: int) -> HttpResponse:
    found = _visible_request(request, site, request_id)
    assignment = (
        getattr(found, "assignment", None) if found.status == Request.Status.ASSIGNED else None
    )
    coordinator = access.is_coordinator(request.user, site)
    context = {"req": found, "assignment": assignment, "coordinator": coordinator}
    if coordinator:
        context["offers"] = found.offers.select_related("mediator__user")
        if found.status in (Request.Status.OPEN, Request.Status.ESCALATED):
            context["candidates"] = [(c, reasons(found, c)) for c in rank(found, limit=10)]
    return render(request, "interpreters/request_detail.html", context)


@require_POST
@requester_view
def request_cancel(request: HttpRequest, site: Site, request_id: int) -> HttpResponse:
    found = _visible_request(request, site, request_id)
    services.cancel(found)
    return redirect("plugins:interpreters:request", found.pk)


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """The offer mail's link: GET shows it, only a POST answers (mail scanners follow links)."""
    try:
        found = services.offer_for_token(token)
    except services.TokenError:
        return render(request, "interpreters/offer_invalid.html", status=404)
    if found.request.site_id != _site(request).pk:
        return render(request, "interpreters/offer_invalid.html", status=404)
    outcome = None
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            return render(
                request, "interpreters/offer.html", {"offer": found, "bad_answer": True}, status=400
            )
        try:
            outcome = services.accept(token) if answer == "accept" else services.decline(token)
        except services.TokenError:
            return render(request, "interpreters/offer_invalid.html", status=404)
        found.refresh_from_db()
        found.request.refresh_from_db()
    return render(
        request,
        "interpreters/offer.html",
        {
            "offer": found,
            "outcome": outcome.value if outcome else None,
            "accepted": found.status == Offer.Status.ACCEPTED,
            "open": found.status in (Offer.Status.WAITING, Offer.Status.SENT)
            and found.request.status in (Request.Status.OPEN, Request.Status.ESCALATED),
        },
    )


def assignments(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    mediator = access.mediator_of(request.user, site)
    if mediator is None:
        raise Http404
    rows = access.assignments_for(request.user, site).select_related("request")
    return render(
        request,
        "interpreters/assignments.html",
        {"mediator": mediator, "assignments": rows.order_by("-starts_at")[:100]},
    )
