"""The pool's pages: requests (requesters, coordinators), offers (by the mail's secret
link, answered only by POST) and a mediator's own assignments."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from treffpunkt.accounts import roles
from treffpunkt.core.localize import month_name

from . import access, hours, services, statement
from .forms import CoordinatorForm, HoursForm, RequestForm
from .models import Assignment, Mediator, Offer, PoolCoordinator, Request, with_source_events
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
        {
            "requests": with_source_events(requests.order_by("-starts_at")[:200]),
            "coordinator": coordinator,
            "can_name_coordinators": access.can_name_coordinators(request.user, site),
        },
    )


# --- the pool's coordinators, named by the town's managers --------------------------------


def manager_view(view):
    """The town's integration managers only (others: sign in, or 403); passes the site."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        site = _site(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.can_name_coordinators(request.user, site):
            raise PermissionDenied
        return view(request, site, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@manager_view
def coordinators(request: HttpRequest, site: Site) -> HttpResponse:
    """The pool's coordinator page: who coordinates the town's pool; name another."""
    form = CoordinatorForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["user"]
        PoolCoordinator.objects.get_or_create(
            site=site, user=person, defaults={"named_by": request.user}
        )
        messages.success(
            request,
            _("%(name)s now coordinates the interpreter pool.")
            % {"name": person.get_full_name() or person.email},
        )
        return redirect("plugins:interpreters:coordinators")
    return render(
        request,
        "interpreters/coordinators.html",
        {
            "form": form,
            "named": PoolCoordinator.objects.filter(site=site).select_related("user", "named_by"),
            "active_ids": set(access.named_coordinators(site).values_list("pk", flat=True)),
            "managers": roles.managers_of(site).order_by("first_name", "last_name"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@manager_view
def coordinator_remove(request: HttpRequest, site: Site, coordinator_id: int) -> HttpResponse:
    found = PoolCoordinator.objects.filter(site=site, pk=coordinator_id).first()
    if found is None:
        raise Http404
    found.delete()
    messages.success(
        request,
        _("%(name)s no longer coordinates the interpreter pool.") % {"name": str(found)},
    )
    return redirect("plugins:interpreters:coordinators")


#: what a link may fill in on a new request (a meeting date's "request a mediator")
_PREFILL = {"day": 10, "time": 5, "duration_minutes": 3, "place": 300, "note": 500}


def prefill(query) -> dict:
    """The request form's first values from a link's query: known fields, cut to length;
    the form checks them when it is sent."""
    return {name: query[name][:length] for name, length in _PREFILL.items() if query.get(name)}


@require_http_methods(["GET", "POST"])
@requester_view
def request_new(request: HttpRequest, site: Site) -> HttpResponse:
    initial = prefill(request.GET) if request.method == "GET" else None
    form = RequestForm(request.POST or None, initial=initial)
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
    return _request_page(request, site, _visible_request(request, site, request_id))


def _request_page(request, site, found, hours_form=None, status=200):
    assignment = None
    if found.status in (Request.Status.ASSIGNED, Request.Status.DONE):
        assignment = (
            Assignment.objects.filter(request=found).select_related("mediator__user").first()
        )
    coordinator = access.is_coordinator(request.user, site)
    context = {"req": found, "assignment": assignment, "coordinator": coordinator}
    if assignment is not None:
        context["statement_month"] = statement.month_of(assignment.starts_at)
    if coordinator:
        context["offers"] = found.offers.select_related("mediator__user")
        if found.status in (Request.Status.OPEN, Request.Status.ESCALATED):
            context["candidates"] = [(c, reasons(found, c)) for c in rank(found, limit=10)]
    if (
        assignment is not None
        and assignment.starts_at <= timezone.now()
        and assignment.confirmed_at is None
    ):
        context["hours_form"] = hours_form or HoursForm(
            travel=False, initial={"minutes": found.duration_minutes}
        )
    return render(request, "interpreters/request_detail.html", context, status=status)


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
    return _assignments_page(request, site)


def _assignments_page(request, site, bad=None, status=200):
    mediator = _mediator_or_404(request, site)
    rows = list(
        access.assignments_for(request.user, site)
        .select_related("request")
        .order_by("-starts_at")[:100]
    )
    now = timezone.now()
    for row in rows:
        row.can_report = row.starts_at <= now and row.confirmed_at is None
        row.hours_form = (
            bad[1]
            if bad and bad[0] == row.pk
            else HoursForm(
                prefix=f"a{row.pk}",
                initial={
                    "minutes": row.mediator_minutes or row.request.duration_minutes,
                    "travel_km": row.travel_km,
                },
            )
        )
    return render(
        request,
        "interpreters/assignments.html",
        {"mediator": mediator, "assignments": rows, "this_month": statement.month_of(now)},
        status=status,
    )


@require_POST
def directory_choice(request: HttpRequest) -> HttpResponse:
    """The mediator's own choice whether the network's contact directory lists them (first
    name, languages and address; see templatetags/interpreters_directory.py)."""
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("plugins:interpreters:assignments"))
    mediator = _mediator_or_404(request, site)
    shown = request.POST.get("shown") == "1"
    if mediator.in_directory != shown:
        mediator.in_directory = shown
        mediator.save(update_fields=["in_directory"])
    messages.success(
        request,
        _("You are now listed in the network's contact directory.")
        if shown
        else _("You are no longer listed in the network's contact directory."),
    )
    return redirect(reverse("plugins:interpreters:assignments") + "#directory")


# --- hours and the monthly statement -----------------------------------------------------


def _mediator_or_404(request: HttpRequest, site: Site):
    mediator = access.mediator_of(request.user, site)
    if mediator is None:
        raise Http404
    return mediator


@require_POST
def assignment_hours(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The mediator reports the time spent and the way there and back."""
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    row = access.assignments_for(request.user, site).filter(pk=assignment_id).first()
    if row is None:
        raise Http404
    form = HoursForm(request.POST, prefix=f"a{row.pk}")
    if form.is_valid():
        try:
            hours.report_by_mediator(
                row, form.cleaned_data["minutes"], form.cleaned_data.get("travel_km")
            )
        except hours.HoursError:
            messages.error(request, _("The hours of this assignment cannot be changed now."))
            return redirect("plugins:interpreters:assignments")
        messages.success(request, _("Thank you: your hours are recorded."))
        return redirect("plugins:interpreters:assignments")
    return _assignments_page(request, site, bad=(row.pk, form), status=400)


@require_POST
@requester_view
def request_hours(request: HttpRequest, site: Site, request_id: int) -> HttpResponse:
    """The requester says how long it took; a coordinator's answer confirms the hours."""
    found = _visible_request(request, site, request_id)
    row = Assignment.objects.filter(request=found).first()
    if row is None:
        raise Http404
    form = HoursForm(request.POST, travel=False)
    if not form.is_valid():
        return _request_page(request, site, found, hours_form=form, status=400)
    minutes = form.cleaned_data["minutes"]
    try:
        if access.is_coordinator(request.user, site):
            hours.confirm_by_coordinator(row, minutes)
        else:
            hours.report_by_requester(row, minutes)
    except hours.HoursError:
        messages.error(request, _("The hours of this assignment cannot be changed now."))
    else:
        messages.success(request, _("Thank you: the time is recorded."))
    return redirect("plugins:interpreters:request", found.pk)


def _month(year: int, month: int) -> tuple[int, int]:
    if not (2000 <= year <= 2200 and 1 <= month <= 12):
        raise Http404
    return year, month


def _statement_response(request, site, mediator, year: int, month: int, fmt: str, own: bool):
    if fmt not in ("html", "csv", "pdf"):
        raise Http404
    built = statement.build(mediator, *_month(year, month))
    name = f"einsaetze-{year}-{month:02d}-{mediator.pk}"
    if fmt == "csv":
        response = HttpResponse(statement.as_csv(built), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    elif fmt == "pdf":
        response = HttpResponse(
            statement.as_pdf(built, site.site_name), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    else:
        if own:
            files = [
                reverse("plugins:interpreters:statement_file", args=[year, month, f])
                for f in ("csv", "pdf")
            ]
        else:
            files = [
                reverse(
                    "plugins:interpreters:mediator_statement_file",
                    args=[mediator.pk, year, month, f],
                )
                for f in ("csv", "pdf")
            ]
        response = render(
            request,
            "interpreters/statement.html",
            {
                "statement": built,
                "mediator": mediator,
                "period": f"{month_name(month)} {year}",
                "csv_url": files[0],
                "pdf_url": files[1],
            },
        )
    response["Cache-Control"] = "private, no-store"
    return response


def my_statement(request: HttpRequest, year: int, month: int, fmt: str = "html") -> HttpResponse:
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    mediator = _mediator_or_404(request, site)
    return _statement_response(request, site, mediator, year, month, fmt, own=True)


def mediator_statement(
    request: HttpRequest, mediator_id: int, year: int, month: int, fmt: str = "html"
) -> HttpResponse:
    """A coordinator's copy of a mediator's statement."""
    site = _site(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.is_coordinator(request.user, site):
        raise Http404
    mediator = Mediator.objects.filter(site=site, pk=mediator_id).select_related("user").first()
    if mediator is None:
        raise Http404
    return _statement_response(request, site, mediator, year, month, fmt, own=False)
