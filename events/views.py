"""Views of events/: event pages, sign-up, token links, organiser tools, feeds."""

from __future__ import annotations

import calendar as pycalendar
import logging
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.models import Site

from treffpunkt.accounts import roles
from treffpunkt.calendar import build_feed, entries_between, folded
from treffpunkt.calendar.feeds import (
    calendar_name,
    common_version,
    feed_language,
    feed_response,
    feed_version,
    subscribe_links,
)
from treffpunkt.core import pagecache
from treffpunkt.core.access import LoginRequired, require_login
from treffpunkt.core.agenda import AgendaLine, fold_recurring
from treffpunkt.core.exports import csv_response, xlsx_response
from treffpunkt.core.localize import format_time, weekday_names
from treffpunkt.links import absolute_url

from . import challenge, kept, tickets
from . import registrations as engine
from .forms import CalendarFilterForm, ContributionForm, HelperForm, MessageForm, SignupForm
from .ical import event_ics as build_event_ics
from .models import ConferencePage, EventPage, FestivalPage, Registration
from .ratelimit import allow_signup, mark_attack, may_hold, under_attack

S = Registration.Status
log = logging.getLogger(__name__)


# --- calendar --------------------------------------------------------------------------


def _month(value: str | None) -> date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1) if 1900 <= year <= 2200 else None
    except (ValueError, TypeError):
        return None


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_context(request, index_page) -> dict:
    """What the calendar page shows: filters, list or month view, upcoming or past."""
    site = Site.find_for_request(request)
    form, data, filters = _calendar_filters(request, site)
    view = "month" if request.GET.get("ansicht") == "monat" else "list"
    past = request.GET.get("vergangen") == "1"
    context = {"filter_form": form, "view": view, "past": past}
    query = {k: v for k, v in request.GET.items() if k in ("kind", "action_field", "language")}
    context["filter_query"] = urlencode(query)
    context["feed_links"] = _feed_links(site, filters)
    context["feed_url"] = context["feed_links"]["feed_url"]
    if view == "month":
        month = _month(request.GET.get("monat")) or timezone.localdate().replace(day=1)
        context.update(_month_view(site, request.user, month, filters))
    else:
        entries = _list_entries(site, request.user, data, filters, past=past)
        context["entries"] = Paginator(entries, 20).get_page(request.GET.get("seite"))
    return context


def _calendar_filters(request, site) -> tuple:
    """The filter form of the calendar, its cleaned data and the filters it sets."""
    from networks.queries import action_fields_for

    # the site's action fields, named in the visitor's language: kept with the chrome
    # (a query on every visit of the calendar before)
    action_fields = action_fields_for(site) if site is not None else []
    if not request.GET:  # no filter: the blank form, built only when shown (see the template)
        blank = SimpleLazyObject(
            lambda: CalendarFilterForm(None, action_fields=action_fields, site=site)
        )
        return blank, {}, {}
    form = CalendarFilterForm(request.GET, action_fields=action_fields, site=site)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = {key: data[key] for key in ("kind", "action_field", "language") if data.get(key)}
    return form, data, filters


def _feed_links(site, filters: dict) -> dict:
    """The feed that matches the calendar's filters and the visitor's language: https,
    webcal, Google and Outlook addresses."""
    if site is None:
        return {"feed_url": "/kalender.ics", "webcal_url": ""}
    feed_path = "/kalender.ics"
    query = {key: filters.get(key) for key in ("kind", "language")}
    if filters.get("action_field"):
        feed_path = f"/kalender/handlungsfeld/{filters['action_field']}.ics"
    else:
        query["action_field"] = filters.get("action_field")
    language = get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE:
        query["lang"] = language
    return subscribe_links(site, feed_path, query)


def _month_view(site, user, month: date, filters: dict) -> dict:
    """The weeks of one month, each day with the entries that touch it."""
    today = timezone.localdate()
    last_day = pycalendar.monthrange(month.year, month.month)[1]
    start, end = _aware(month), _aware(month.replace(day=last_day)) + timedelta(days=1)
    entries = entries_between(site, user, start, end, filters)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        days = []
        for day in week:
            day_start, day_end = _aware(day), _aware(day) + timedelta(days=1)
            days.append(
                {
                    "date": day,
                    "in_month": day.month == month.month,
                    "today": day == today,
                    "entries": [e for e in entries if e.start < day_end and e.end > day_start],
                }
            )
        weeks.append(days)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = month.replace(day=last_day) + timedelta(days=1)
    return {
        "month": month,
        "weeks": weeks,
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}",
        "weekdays": list(zip(weekday_names("abbreviated"), weekday_names("wide"), strict=True)),
    }


def _list_entries(site, user, data: dict, filters: dict, *, past: bool) -> list:
    """The list view: upcoming entries (a year ahead) or past ones (newest first)."""
    today = timezone.localdate()
    if past:
        start = _aware(data.get("start") or today - timedelta(days=365))
        end = min(_aware((data.get("end") or today) + timedelta(days=1)), timezone.now())
        return [
            AgendaLine(entry)
            for entry in reversed(entries_between(site, user, start, end, filters))
        ]
    if not data.get("start") and not data.get("end"):
        # the default list: the year ahead, the weekly "Sprachcafé" as one line, kept
        return folded(site, user, filters=filters)
    start = max(_aware(data["start"]), timezone.now()) if data.get("start") else timezone.now()
    end = (
        _aware(data["end"] + timedelta(days=1)) if data.get("end") else start + timedelta(days=366)
    )
    entries = entries_between(site, user, start, end, filters) if end > start else []
    # The weekly "Sprachcafé" becomes one line, so that one-off events stand out.
    return fold_recurring(entries)


# --- event pages and sign-up -------------------------------------------------------------


def _event_context(
    request, page: EventPage, form=None, helper_form=None, contribution_form=None
) -> dict:
    event = page.registration_event
    site = Site.find_for_request(request)
    kept.prime(request, page, event, site)
    places, own = engine.availability_and_own(event, request.user)
    page_path = request.path
    for route in ("anmelden/", "mithelfen/", "beitrag/", "ics/"):
        if page_path.endswith("/" + route):
            page_path = page_path[: -len(route)]
    state = event.signup_state()
    blank = form is None and helper_form is None and contribution_form is None
    user = request.user
    context = {
        "page": page,
        "self": page,
        # the page's address as the visitor asked for it (keeps the language prefix)
        "page_path": page_path,
        "event": event,
        "signup_state": state,
        "availability": places,
        # built when shown: a kept sign-up section (see signup_kept) needs no form
        "form": form or SimpleLazyObject(lambda: SignupForm(event=event, user=user)),
        "own_registration": own,
        "ics_url": page_path + "ics/",
        # inside the kept facts of the page: written only when they are rendered
        "google_url": lazy(_google_url, str)(page, request),
        "can_manage": _can_manage(request.user, event),
        "site_root": site.root_url if site else "",
    }
    # each kind of event page adds its own (programme, speakers, workshops, shifts...)
    forms_ = {"helper_form": helper_form, "contribution_form": contribution_form}
    context.update(page.specific.kind_context(event.specific, forms_))
    # each shift and workshop with its places, for the lists (a loop over the places of
    # every row inside the loop over the rows cost a millisecond and more per render)
    places = context["availability"]
    context["shift_places"] = [
        (shift, places["shifts"][shift.pk])
        for shift in context.get("shifts") or ()
        if shift.pk in places["shifts"]
    ]
    context["workshop_places"] = [
        (workshop, places["workshops"].get(workshop.pk))
        for workshop in context.get("workshops") or ()
    ]
    if blank and own is None:
        # the same sections for everyone signed in, or not, who has not signed up yet
        key = _signup_key(state, places, context)
        if user.is_authenticated:
            key += ":signed-in"
            context["form"] = SimpleLazyObject(lambda: SignupForm.marked(event))
        context["signup_kept"] = key
    return context


def _signup_key(state: str, places: dict, context: dict) -> str:
    """What the sign-up sections of an event page (``{% kept_signup %}``) show beyond the
    page's content and the language, for a visitor shown blank forms: the sign-up state and
    the places left of the event, each shift and each workshop. Their HTML is kept per such
    key, and whether the visitor is signed in (the forms' tokens, and a signed-in person's
    address and name, are filled in per answer)."""
    shifts = ",".join(
        f"{shift.pk}={info['capacity']}/{info['free']}" for shift, info in context["shift_places"]
    )
    workshops = ",".join(
        f"{workshop.pk}={info and info['capacity']}/{info and info['free']}"
        for workshop, info in context["workshop_places"]
    )
    return f"{state}:{places['capacity']}/{places['free']}:s{shifts}:w{workshops}"


def _google_url(page: EventPage, request) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    start, end = page.start.astimezone(UTC), page.end.astimezone(UTC)
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": page.title,
            "dates": f"{start:{fmt}}/{end:{fmt}}",
            "location": ", ".join(p for p in (page.location_name, page.address) if p),
            "details": request.build_absolute_uri(page.url),
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def _outlook_url(page: EventPage, request) -> str:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    start, end = page.start.astimezone(UTC), page.end.astimezone(UTC)
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": page.title,
            "startdt": f"{start:{fmt}}",
            "enddt": f"{end:{fmt}}",
            "location": ", ".join(p for p in (page.location_name, page.address) if p),
            "body": request.build_absolute_uri(page.url),
        }
    )
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{query}"


def calendar_links(page: EventPage, request) -> dict:
    """Add-to-calendar links of an event: its .ics file, Google Calendar, Outlook on the web."""
    return {
        "ics": reverse("events_event_ics", args=[page.pk]),
        "google": _google_url(page, request),
        "outlook": _outlook_url(page, request),
    }


def _render_event(request, page: EventPage, status: int = 200, **forms_) -> TemplateResponse:
    return TemplateResponse(
        request, page.get_template(request), _event_context(request, page, **forms_), status=status
    )


def event_page(request, page: EventPage):
    return _render_event(request, page)


#: how long the link of the page after a sign-up works (it names no person: a week is plenty)
RESULT_MAX_AGE = 7 * 24 * 3600
_RESULT_SALT = "events.signup-result"


def _result_kind(registration: Registration) -> str:
    """What the sign-up just sent came to, in one word (see :data:`RESULT_TEXTS`)."""
    if registration.status == S.HELD:
        return "held"
    if getattr(registration, "deferred", False):
        return "deferred"
    if registration.status == S.WAITING and not registration.email_confirmed:
        return "waitmail"
    if registration.status == S.WAITING:
        return "waiting"
    if registration.status == S.REQUESTED:
        return "requested"
    return "done"


def _result_text(kind: str) -> tuple[str, str, str]:
    """(group, title, text) of a result kind, in the active language. The group is one of
    mail / waiting / done / refused (the page's look and its tests key on it)."""
    check_mail = _("Check your email")
    texts = {
        "held": (
            "mail",
            check_mail,
            _(
                "Nearly done: we have sent you an email. Please confirm your sign-up with the link in it."
            ),
        ),
        "deferred": (
            "mail",
            check_mail,
            _(
                "Nearly done: we have sent you an email. Your place is reserved when you confirm with the link in it, as long as places are left."
            ),
        ),
        "waitmail": (
            "mail",
            check_mail,
            _(
                "The event is fully booked. Please confirm the link in our email to join the waiting list."
            ),
        ),
        "waiting": (
            "waiting",
            _("You are on the waiting list."),
            _("The event is fully booked: you are on the waiting list."),
        ),
        "requested": (
            "mail",
            check_mail,
            _(
                "Thank you! Please confirm the link in our email; then the organisers look at your offer."
            ),
        ),
        "done": (
            "done",
            _("You are signed up."),
            _("You are signed up. We have sent you a confirmation by email."),
        ),
        "refused": (
            "refused",
            _("This sign-up is no longer active."),
            _("The sign-up was not accepted or has been cancelled. You can sign up again."),
        ),
    }
    return texts[kind]


def result_token(registration: Registration) -> str:
    """The signed key of the page after a sign-up: the registration's public id and the
    result's kind, nothing personal. Wagtail's page addresses take only letters, digits,
    ``_`` and ``-``: the signer's ``:`` become ``-`` (which neither the value nor the
    timestamp contains)."""
    value = f"{registration.public_id.hex}_{_result_kind(registration)}"
    return _result_signer().sign(value).replace(":", "-")


def _result_signer() -> signing.TimestampSigner:  # noqa: N802 - a factory used like a class
    return signing.TimestampSigner(salt=_RESULT_SALT)


def _read_result_token(token: str) -> tuple[uuid.UUID, str]:
    """(public id, kind) of a token; ``Http404`` for a forged, tampered or expired one."""
    parts = token.split("-", 2)
    if len(parts) != 3:
        raise Http404
    try:
        value = _result_signer().unsign(":".join(parts), max_age=RESULT_MAX_AGE)
        public_id, kind = value.split("_", 1)
        _result_text(kind)
        return uuid.UUID(hex=public_id), kind
    except (signing.BadSignature, ValueError, KeyError):
        raise Http404 from None


def _result_redirect(request, registration: Registration) -> HttpResponse:
    """Answer a sign-up with the small page of its result instead of the whole event page:
    it is rendered from the token and one row, without the page's calendar, forms or
    places (the event page itself stays cached for everyone)."""
    return redirect(f"{_page_path(request)}anmeldung/ergebnis/{result_token(registration)}/")


_DONE_STATUSES = {S.DECLINED, S.CANCELLED, S.EXPIRED}


@never_cache
def signup_result(request, page: EventPage, token: str):
    """The page after a sign-up (held / waiting / check your mail / refused), in the
    visitor's language, with the event's title, date and place, a link back and the
    calendar file. A forged or expired token finds nothing (404)."""
    public_id, kind = _read_result_token(token)
    registration = (
        Registration.objects.filter(public_id=public_id, event_id=page.registration_event.pk)
        .only("id", "status", "user_id", "event_id")
        .first()
    )
    if registration is None:
        raise Http404
    if registration.status in _DONE_STATUSES:
        kind = "refused"
    group, title, text = _result_text(kind)
    own = (
        request.user.is_authenticated
        and registration.user_id == request.user.pk
        and kind != "refused"
    )
    # the event's address as the visitor asked for it (keeps the language prefix)
    page_path = request.path.rsplit("/", 4)[0] + "/"

    def render():
        context = {
            "page": page,
            "self": page,
            "event": page.registration_event,
            "page_path": page_path,
            "result": {"group": group, "title": title, "text": text},
            "own_registration": own,
            "ics_url": reverse("events_event_ics", args=[page.pk]),
            "google_url": _google_url(page, request),
            "outlook_url": _outlook_url(page, request),
        }
        response = TemplateResponse(request, "events/signup_result.html", context)
        response["X-Robots-Tag"] = "noindex"
        return response

    if own:
        return render()
    # Everyone not logged in who signed up for this event with this outcome sees the same
    # page: rendered once per generation of the page cache, not once per sign-up.
    return pagecache.shared_answer(
        request, f"signup-result|{page_path}|{get_language()}|{kind}|{group}", token, render
    )


def _guarded(request, form) -> str | None:
    """Spam and rate checks; a message when the sign-up must not go through."""
    if form.is_spam():
        return _("Your sign-up could not be accepted.")
    if not allow_signup(request, form.cleaned_data.get("email", "")):
        return _("Too many sign-ups from here. Please try again in an hour.")
    return None


_SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _submission(request) -> str:
    """The random token of the sign-up form sent (see events/includes/submission.html)."""
    value = request.POST.get("submission", "")
    return value if _SUBMISSION.fullmatch(value) else ""


def _attempt(request, page, form, form_key: str, call) -> HttpResponse:
    token = _submission(request)
    if token:
        # The same form again (a double click, a repeated request): its result, no new sign-up,
        # whatever limit the first one reached since.
        done = (
            Registration.objects.filter(
                event=page.registration_event, submission=token, parent=None
            )
            .only("id", "public_id", "status", "email_confirmed")  # what its result needs
            .first()
        )
        if done is not None:
            return _result_redirect(request, done)
    if not form.is_valid():
        return _render_event(request, page, status=400, **{form_key: form})
    problem, code = _guarded(request, form), "refused"
    if problem is None:
        event_id = page.registration_event.pk
        solved = challenge.verify(
            request.POST.get("pow_challenge"), request.POST.get("pow_nonce"), event_id
        )
        hold = may_hold(request, form.cleaned_data["email"], event_id, solved=solved)
        try:
            registration = call(form, hold)
        except engine.SignupError as error:
            problem, code = error.message, error.code
        else:
            if getattr(registration, "deferred", False):
                mark_attack(event_id)  # holds are being refused: ask for the challenge
    if problem is not None:
        log.info("sign-up refused", extra={"event_id": page.pk, "form": form_key, "code": code})
        form.add_error(None, problem)
        return _render_event(request, page, status=400, **{form_key: form})
    return _result_redirect(request, registration)


def _site_of(request, event: EventPage):
    """The request's site when the event belongs to it (no query: both are cached), so that a
    one-click sign-up is announced without asking for the event's site again; else None."""
    site = Site.find_for_request(request)
    return site if site is not None and roles.site_of_page(event) == site.pk else None


def _page_path(request) -> str:
    return request.path.rsplit("/", 2)[0] + "/"


def signup(request, page: EventPage):
    if request.method != "POST":
        return redirect(_page_path(request))
    event = page.registration_event
    kept.prime(request, page, event, Site.find_for_request(request))
    form = SignupForm(request.POST, event=event, user=request.user)

    def call(form, hold):
        return engine.sign_up(
            event,
            email=form.cleaned_data["email"],
            name=form.cleaned_data.get("name", ""),
            kind=form.cleaned_data.get("kind") or type(event).attendee_kinds[0][0],
            party_size=form.cleaned_data.get("party_size") or 1,
            user=request.user,
            language=get_language(),
            answers=form.answers(),
            workshop=form.workshop(),
            hold=hold,
            submission=_submission(request),
            site=_site_of(request, event),
        )

    return _attempt(request, page, form, "form", call)


def helper_signup(request, page: FestivalPage):
    if request.method != "POST":
        return redirect(_page_path(request))
    festival = page.registration_event
    kept.prime(request, page, festival, Site.find_for_request(request))
    form = HelperForm(request.POST, festival=festival, prefix="helper")

    def call(form, hold):
        return engine.sign_up(
            festival,
            kind=Registration.Kind.HELPER,
            email=form.cleaned_data["email"],
            name=form.cleaned_data.get("name", ""),
            user=request.user,
            language=get_language(),
            shift=form.shift(),
            hold=hold,
            submission=_submission(request),
            site=_site_of(request, festival),
        )

    return _attempt(request, page, form, "helper_form", call)


def contribution_signup(request, page: FestivalPage):
    if request.method != "POST":
        return redirect(_page_path(request))
    festival = page.registration_event
    if not festival.contributions_enabled:
        raise Http404
    form = ContributionForm(request.POST, prefix="contribution")

    def call(form, hold):
        return engine.sign_up(
            festival,
            kind=Registration.Kind.CONTRIBUTION,
            email=form.cleaned_data["email"],
            name=form.cleaned_data.get("name", ""),
            user=request.user,
            language=get_language(),
            contribution_kind=form.cleaned_data["contribution_kind"],
            contribution_text=form.cleaned_data["contribution_text"],
            hold=hold,
            submission=_submission(request),
            site=_site_of(request, festival),
        )

    return _attempt(request, page, form, "contribution_form", call)


@never_cache
def challenge_view(request, page_id: int):
    """The sign-up form's script asks here whether to solve a challenge before posting."""
    event = get_object_or_404(EventPage, pk=page_id).registration_event
    data = challenge.issue(event.pk) if under_attack(event.pk) else {}
    return JsonResponse({"required": bool(data), **data})


def event_ics(request, page: EventPage) -> HttpResponse:
    site = Site.find_for_request(request)
    url = absolute_url(site, page) if site else request.build_absolute_uri(page.url)
    data = build_event_ics(page.registration_event, url)
    private = request.user.is_authenticated  # a restricted page's file: never shared
    response = feed_response(request, data, filename=f"{page.slug}.ics", private=private)
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.ics"'
    return response


# --- token links ----------------------------------------------------------------------


def _token_page(request, registration, error=None, done=None, status=200, ask=None):
    event = registration.event.specific.localized if registration else None
    context = {"registration": registration, "event": event, "error": error, "done": done}
    context["ask"] = ask
    if event is not None and isinstance(event, EventPage):
        context["calendar"] = calendar_links(event, request)
    if registration is not None and tickets.has_ticket(registration):
        context["ticket"] = {
            "svg": tickets.qr_svg(tickets.ticket_url(registration)),
            "code": tickets.display_code(registration.ticket),
        }
    return TemplateResponse(request, "events/registration_status.html", context, status=status)


@never_cache
def confirm_view(request, token: str):
    """The link in the mail opens a page with one button; only its POST confirms.

    Mail scanners open every link of a mail: a GET that confirmed would confirm sign-ups
    that someone made with another person's address.
    """
    if request.method != "POST":
        registration = Registration.objects.filter(token=token, anonymised_at__isnull=True).first()
        if registration is None:
            return _token_page(
                request,
                None,
                error=_("This link is not valid. Please check the address."),
                status=400,
            )
        return _token_page(request, registration, ask="confirm")
    try:
        registration = engine.confirm(token)
    except engine.SignupError as error:
        log.info("confirmation refused", extra={"code": error.code})
        return _token_page(
            request, None, error=error.message, status=400 if error.code == "bad_token" else 410
        )
    return _token_page(request, registration, done="confirmed")


@never_cache
def cancel_view(request, token: str):
    registration = Registration.objects.filter(token=token, anonymised_at__isnull=True).first()
    if registration is None:
        return _token_page(
            request, None, error=_("This link is not valid. Please check the address."), status=400
        )
    if request.method == "POST":
        try:
            registration = engine.cancel(token)
        except engine.SignupError as error:
            log.info("cancellation refused", extra={"code": error.code})
            return _token_page(request, registration, error=error.message, status=409)
        return _token_page(request, registration, done="cancelled")
    return _token_page(request, registration)


@require_POST
def cancel_own(request, page_id: int):
    """One click for people who are logged in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = get_object_or_404(EventPage, pk=page_id)
    if engine.cancel_for_user(page, request.user):
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect(page.localized.url)


@require_POST
def cancel_mine(request, public_id):
    """Cancel one's own sign-up from the dashboard (only sign-ups made with the account)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("accounts:dashboard"))
    registration = get_object_or_404(
        Registration,
        public_id=public_id,
        user=request.user,
        status__in=engine.ACTIVE,
        parent=None,
    )
    try:
        engine.cancel(registration.token)
    except engine.SignupError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your sign-up for %(event)s is cancelled.")
            % {"event": registration.event.localized.title},
        )
    return redirect("accounts:dashboard")


def certificate_view(request, token: str):
    from .certificates import certificate_pdf

    registration = (
        Registration.objects.filter(token=token, anonymised_at__isnull=True, parent=None)
        .select_related("event")
        .first()
    )
    if registration is None:
        raise Http404
    conference = ConferencePage.objects.filter(pk=registration.event_id).first()
    if (
        conference is None
        or not conference.certificates_enabled
        or registration.attended_at is None
    ):
        return _token_page(
            request,
            registration,
            error=_("A certificate is available once you have been checked in at the conference."),
            status=403,
        )
    response = HttpResponse(
        certificate_pdf(registration, conference), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="teilnahmebescheinigung.pdf"'
    return response


# --- organiser tools ---------------------------------------------------------------------


def _can_manage(user, event: EventPage) -> bool:
    if not user.is_authenticated:
        return False
    if not roles.admin_and_page_rights(user)[1]:
        return False  # no page permission in any group: Wagtail lets them edit no page
    return event.permissions_for_user(user).can_edit()


def _managed_event(request, page_id: int) -> EventPage:
    require_login(request.user)
    event = get_object_or_404(EventPage, pk=page_id).registration_event
    if not _can_manage(request.user, event):
        raise PermissionDenied
    return event


def organiser(view):
    def wrapped(request, page_id: int, *args, **kwargs):
        try:
            event = _managed_event(request, page_id)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())
        return view(request, event, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@organiser
def registrations_view(request, event: EventPage):
    """Live counts, the list (check-in on a phone), contributions, a message to everyone."""
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            from .tasks import send_message_to_registrants

            send_message_to_registrants.enqueue(
                event.pk, form.cleaned_data["subject"], form.cleaned_data["text"]
            )
            messages.success(request, _("Your message is being sent to all registrants."))
            return redirect(request.path)
    query = request.GET.get("q", "")[:100]
    registrations = (
        Registration.objects.filter(event=event, parent=None)
        .exclude(status__in=(S.EXPIRED,))
        .select_related("shift", "user")
        .prefetch_related("children__workshop")
    )
    if query:
        registrations = registrations.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(name="", user__first_name__icontains=query)
            | Q(name="", user__last_name__icontains=query)
        )
    registrations = list(registrations)
    for registration in registrations:
        registration.display_name = registrant_name(registration)
    return TemplateResponse(
        request,
        "events/registrations.html",
        {
            "event": event,
            "page": event,
            "availability": engine.availability(event),
            "registrations": registrations,
            "message_form": form,
            "query": query,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@organiser
def counts_json(request, event: EventPage):
    data = engine.availability(event)
    data["workshops"] = list(data["workshops"].values())
    data["shifts"] = list(data["shifts"].values())
    return JsonResponse(data)


EXPORT_COLUMNS = [
    ("kind", "Art"),
    ("status", "Status"),
    ("name", "Name"),
    ("email", "E-Mail"),
    ("party_size", "Personen"),
    ("details", "Workshop / Schicht / Beitrag"),
    ("answers", "Antworten"),
    ("created_at", "Angemeldet"),
    ("attended_at", "Anwesend"),
]


def registrant_name(registration: Registration) -> str:
    """The name typed at sign-up, else the account's name (people signed in type none)."""
    if registration.name:
        return registration.name
    user = registration.user
    return user.get_full_name().strip() if user is not None else ""


def _when(value, excel: bool):
    """A point in time for a cell: a real date-time for Excel, ISO-like text for CSV."""
    if value is None:
        return None if excel else ""
    local = timezone.localtime(value)
    return local.replace(tzinfo=None, microsecond=0) if excel else local.strftime("%Y-%m-%d %H:%M")


def _export_rows(event: EventPage, excel: bool = False) -> list[list]:
    rows = []
    qs = (
        Registration.objects.filter(event=event, anonymised_at__isnull=True)
        .exclude(status=S.EXPIRED)
        .select_related("workshop", "shift", "user")
    )
    for r in qs:
        details = (
            r.workshop.title if r.workshop else str(r.shift) if r.shift else r.contribution_text
        )
        answers = "; ".join(f"{k}: {v}" for k, v in r.answers.items())
        rows.append(
            [
                r.get_kind_display(),
                r.get_status_display(),
                registrant_name(r),
                r.email,
                r.party_size,
                details,
                answers,
                _when(r.created_at, excel),
                _when(r.attended_at, excel),
            ]
        )
    return rows


@organiser
def export_csv(request, event: EventPage):
    headers = [label for _key, label in EXPORT_COLUMNS]
    return csv_response(f"anmeldungen-{event.slug}", headers, _export_rows(event))


@organiser
def export_xlsx(request, event: EventPage):
    headers = [label for _key, label in EXPORT_COLUMNS]
    return xlsx_response(
        f"anmeldungen-{event.slug}",
        headers,
        _export_rows(event, excel=True),
        sheet_title="Anmeldungen",
        date_format="DD.MM.YYYY HH:MM",
    )


@organiser
def check_in_view(request, event: EventPage, public_id):
    if request.method != "POST":
        return redirect("events:registrations", page_id=event.pk)
    registration = get_object_or_404(Registration, event=event, public_id=public_id)
    engine.check_in(registration, attended=request.POST.get("attended") != "0")
    # Back to the list as it was: the search stays, the row is in view.
    back = request.path.rsplit("/checkin/", 1)[0] + "/"
    query = request.POST.get("q", "")[:100]
    if query:
        back += "?" + urlencode({"q": query})
    return redirect(f"{back}#r-{registration.public_id}")


def _ticket_message(request, result: tickets.CheckInResult) -> None:
    """What the door sees after a scan, at the top of the list (read out: role=status)."""
    registration = result.registration
    name = (registrant_name(registration) or registration.email) if registration else ""
    if result.outcome == "checked_in":
        people = registration.party_size
        messages.success(
            request,
            ngettext(
                "Checked in: %(name)s (%(count)s person).",
                "Checked in: %(name)s (%(count)s people).",
                people,
            )
            % {"name": name, "count": people},
        )
    elif result.outcome == "already":
        messages.warning(
            request,
            _("Already checked in at %(time)s: %(name)s.")
            % {"time": format_time(registration.attended_at), "name": name},
        )
    elif result.outcome == "no_place":
        messages.error(
            request,
            _("This ticket has no place: %(name)s (%(status)s).")
            % {"name": name, "status": registration.get_status_display()},
        )
    else:
        messages.error(request, _("No ticket with this code for this event."))


@organiser
def ticket_check_in(request, event: EventPage):
    """The scan (camera or typed code) from the check-in page; back to it for the next one."""
    if request.method != "POST":
        return redirect("events:registrations", page_id=event.pk)
    result = tickets.check_in_by_ticket(event, request.POST.get("code", ""))
    log.info("ticket scanned", extra={"event_id": event.pk, "outcome": result.outcome})
    _ticket_message(request, result)
    return redirect(reverse("events:registrations", args=[event.pk]) + "#scan")


@organiser
def ticket_view(request, event: EventPage, code: str):
    """The ticket's own address, opened by a phone's camera app: who it is, and one button
    (a GET never checks in: link previews and scanners open addresses too)."""
    if request.method == "POST":
        return ticket_check_in(request, event.pk)
    registration = tickets.find(event, tickets.read_code(code))
    if registration is not None and registration.anonymised_at is not None:
        registration = None
    context = {
        "event": event,
        "page": event,
        "registration": registration,
        "display_name": (registrant_name(registration) or registration.email)
        if registration
        else "",
        "has_place": registration is not None and tickets.has_ticket(registration),
        "code": tickets.display_code(registration.ticket) if registration else "",
    }
    return TemplateResponse(
        request, "events/ticket.html", context, status=200 if registration else 404
    )


@organiser
def decide_view(request, event: EventPage, public_id):
    if request.method != "POST":
        return redirect("events:registrations", page_id=event.pk)
    registration = get_object_or_404(Registration, event=event, public_id=public_id)
    try:
        engine.decide_contribution(registration, approve=request.POST.get("approve") == "1")
    except engine.SignupError as error:
        messages.error(request, error.message)
    return redirect("events:registrations", page_id=event.pk)


# --- feeds -----------------------------------------------------------------------------


def _feed(request, filters: dict, name: str = "") -> HttpResponse:
    """A public feed; ``?kind=``, ``?language=`` (events held in it) narrow it as on the
    calendar page, ``?lang=`` is the language it is written in (default: the site's)."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    narrowed = {key: request.GET.get(key) for key in ("kind", "language")} | filters
    language = feed_language(request.GET.get("lang"))

    # The name is worked out only when the feed's version is asked or the feed is built: a
    # poll within the version's trusted time costs two cache reads and nothing else.
    def feed_name() -> str:
        with translation.override(language):
            return calendar_name(site, _feed_label(narrowed, name))

    def version():
        found = feed_version(site, None, narrowed)
        return None if found is None else (found, common_version(site), feed_name())

    return feed_response(
        request,
        lambda: build_feed(site, None, narrowed, name=feed_name(), language=language),
        version=version,
    )


def _feed_label(filters: dict, name: str) -> str:
    """What the feed holds, for its name in calendar apps: the group, organisation or
    action field, and the calendar's type filter."""
    from treffpunkt.calendar import declared_kinds

    labels = [name] if name else []
    kinds = {kind.key: kind.label for kind in declared_kinds()}
    if filters.get("kind") in kinds:
        labels.append(str(kinds[filters["kind"]]))
    return ", ".join(labels)


def site_feed(request):
    return _feed(request, {"action_field": request.GET.get("action_field")})


def action_field_feed(request, pk: int):
    from networks.models import ActionField

    field_ = get_object_or_404(ActionField, pk=pk)
    # the field's name in the feed's language where it is translated
    name = (
        ActionField.objects.filter(
            translation_key=field_.translation_key,
            locale__language_code=feed_language(request.GET.get("lang")),
        )
        .values_list("name", flat=True)
        .first()
    )
    return _feed(request, {"action_field": pk}, name=name or field_.name)


def organisation_feed(request, pk: int):
    from networks.models import Organisation

    organisation = get_object_or_404(Organisation, pk=pk)
    return _feed(request, {"organisation": pk}, name=organisation.name)


def working_group_feed(request, pk: int):
    from networks.models import WorkingGroupPage
    from treffpunkt.core.restrictions import may_view

    group = get_object_or_404(WorkingGroupPage.objects.live(), pk=pk)
    if not may_view(group, None):  # a public feed: not for a restricted group
        raise Http404
    return _feed(request, {"working_group": pk}, name=group.title)


def event_page_ics(request, pk: int):
    """404 also for a page under a view restriction the visitor does not pass (as if it did
    not exist: the file would carry what the page shows only to those people)."""
    from treffpunkt.core.restrictions import may_view

    page = get_object_or_404(EventPage.objects.live(), pk=pk)
    if not may_view(page, request.user, request):
        raise Http404
    return event_ics(request, page)
