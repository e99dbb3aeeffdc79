"""Public and coordinator pages of the mentoring plugin (mounted under /patenschaften/).

Business rules live in :mod:`services`, access rules in :mod:`access`; a view reads the
request, asks both, and renders.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from treffpunkt.accounts import roles
from treffpunkt.core.ratelimit import allow

from . import access, ranking, services
from . import chat as mentoring_chat
from .forms import (
    ApplicationForm,
    CheckInForm,
    CounsellorApplicationForm,
    EndForm,
    FeedbackForm,
    FirstMeetingForm,
    ProposeForm,
    RedateForm,
    TrainingForm,
)
from .models import Application, Match, Programme


def _site(request: HttpRequest) -> Site:
    return Site.find_for_request(request)


def _invalid(request: HttpRequest, error: services.TokenError, status: int = 404):
    return render(request, "mentoring/link_invalid.html", {"message": error.message}, status=status)


# --- the public side: programmes and applications ----------------------------------------------


def programmes(request: HttpRequest) -> HttpResponse:
    listed = Programme.objects.filter(site=_site(request), accepts_applications=True)
    return render(request, "mentoring/programmes.html", {"programmes": listed})


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme, pk=programme_id, site=_site(request), accepts_applications=True
    )
    form_kwargs = {"consent_text": services.CONSENT_TEXT}
    if request.method == "POST":
        form = ApplicationForm(request.POST, **form_kwargs)
        if form.is_valid() and not allow(
            request,
            "mentoring",
            form.cleaned_data["email"],
            per_ip=getattr(settings, "MENTORING_APPLY_RATE_IP", (10, 3600)),
            per_target=getattr(settings, "MENTORING_APPLY_RATE_EMAIL", (3, 86400)),
        ):
            form.add_error(None, _("Too many attempts. Please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            if not data.get("website"):
                try:
                    services.apply(programme, **_application_data(data, get_language()))
                except ValidationError as exc:
                    form.add_error(None, exc)
            if not form.errors:
                return redirect("plugins:mentoring:applied")
    else:
        form = ApplicationForm(**form_kwargs)
    return render(request, "mentoring/apply.html", {"programme": programme, "form": form})


def _application_data(data: dict, language: str) -> dict:
    return {
        "name": data["name"],
        "email": data["email"].strip().lower(),
        "phone": data["phone"],
        "language": language
        if language in dict(settings.INTERFACE_LANGUAGES)
        else settings.LANGUAGE_CODE,
        "languages": ",".join(data["languages"]),
        "seeks": data["seeks"],
        "area": data["area"].strip(),
        "availability": data["availability"],
        "family": data["family"],
        "with_children": data["with_children"],
        "message": data["message"],
        "share_phone": data["share_phone"],
        "share_email": data["share_email"],
    }


@require_http_methods(["GET", "POST"])
def apply_for(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A counselling service (a network member of the town) applies for someone, with the
    person's consent recorded."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    site = _site(request)
    if not roles.is_network_member(request.user, site):
        raise Http404
    programme = get_object_or_404(Programme, pk=programme_id, site=site, accepts_applications=True)
    form_kwargs = {"consent_text": services.CONSENT_TEXT}
    if request.method == "POST":
        form = CounsellorApplicationForm(request.POST, **form_kwargs)
        if form.is_valid() and not allow(
            request,
            "mentoring-counsellor",
            str(request.user.pk),
            per_ip=getattr(settings, "MENTORING_APPLY_RATE_IP", (10, 3600)),
            per_target=getattr(settings, "MENTORING_COUNSELLOR_RATE", (30, 86400)),
        ):
            form.add_error(None, _("Too many attempts. Please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.apply_on_behalf(
                    programme, request.user, **_application_data(data, data["language"])
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("plugins:mentoring:applied")
    else:
        form = CounsellorApplicationForm(initial={"language": get_language()}, **form_kwargs)
    return render(
        request,
        "mentoring/apply_for.html",
        {"programme": programme, "form": form},
        status=400 if form.errors else 200,
    )


def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "mentoring/applied.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    """The double opt-in: the link only shows a button; the POST confirms (mail scanners
    that open every link confirm nothing)."""
    try:
        application = services.application_for_confirmation(code)
    except services.TokenError as error:
        return _invalid(request, error, status=400)
    if application.programme.site_id != _site(request).pk:
        raise Http404
    confirmed_now = False
    if request.method == "POST":
        confirmed_now = services.confirm_application(application)
    return render(
        request,
        "mentoring/confirm.html",
        {
            "application": application,
            "confirmed_now": confirmed_now,
            "pending": application.status == Application.Status.UNCONFIRMED,
        },
    )


# --- both sides of a match, by the link in their mail --------------------------------------------


def _match_by_token(request: HttpRequest, token: str):
    match, side = services.match_for_token(token)
    if match.programme.site_id != _site(request).pk:
        raise services.TokenError(
            _("This link is not valid. Please copy it completely from the mail.")
        )
    return match, side


def _submitted(form, call) -> bool:
    """Validate ``form`` and hand its data to ``call``; a rule the service refuses becomes
    the form's error. True when it went through."""
    if not form.is_valid():
        return False
    try:
        call(**form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """A side's page of its match: accept or decline a proposal (POST), later whether the
    first meeting took place, and the check-in."""
    try:
        match, side = _match_by_token(request, token)
    except services.TokenError as error:
        return _invalid(request, error)
    done = ""
    form = CheckInForm()
    first_meeting_form = FirstMeetingForm()
    feedback_form = FeedbackForm(side=side)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("accept", "decline", "checkin", "first_meeting", "feedback"):
            return render(
                request,
                "mentoring/link_invalid.html",
                {"message": _("Unknown action.")},
                status=400,
            )
        if action == "accept" and services.accept(match, side):
            done = "accepted"
        elif action == "decline" and services.decline(match, side):
            done = "declined"
        elif action == "first_meeting":
            first_meeting_form = FirstMeetingForm(request.POST)
            if _submitted(
                first_meeting_form,
                lambda held, held_on: services.record_first_meeting(match, side, held, held_on),
            ):
                done, first_meeting_form = "first_meeting", FirstMeetingForm()
            else:
                status = 400
        elif action == "feedback":
            feedback_form = FeedbackForm(request.POST, side=side)
            if _submitted(
                feedback_form, lambda **data: services.give_feedback(match, side, **data)
            ):
                done = "feedback"
            else:
                status = 400
        elif action == "checkin":
            form = CheckInForm(request.POST)
            if _submitted(form, lambda **data: services.check_in(match, side, **data)):
                done, form = "checked_in", CheckInForm()
    accepted = match.mentor_accepted_at if side == "mentor" else match.mentee_accepted_at
    return render(
        request,
        "mentoring/answer.html",
        {
            "match": match,
            "side": side,
            "accepted": accepted is not None,
            "done": done,
            "form": form,
            "first_meeting_form": first_meeting_form,
            "feedback_form": feedback_form,
            "feedback_given": match.status == Match.Status.ENDED
            and match.feedback.filter(side=side).exists(),
            "ask_first_meeting": match.is_running
            and match.first_meeting_held is None
            and (match.first_meeting_at is None or match.first_meeting_at <= timezone.now()),
            # the mentee's details reach the mentor only once the match runs
            "show_mentee": side == "mentor" and match.status != Match.Status.PROPOSED,
        },
        status=status,
    )


# --- mentors with an account ----------------------------------------------------------------


def my_matches(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    site = _site(request)
    matches = access.mentor_matches(site, request.user).select_related(
        "programme", "application", "mentor"
    )
    return render(
        request,
        "mentoring/my_matches.html",
        {"matches": matches, "profiles": access.mentor_profiles(site, request.user)},
    )


# --- coordinators ---------------------------------------------------------------------------


def _coordinator_or_login(request: HttpRequest):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    site = _site(request)
    programmes = access.coordinated_programmes(site, request.user)
    if not programmes.exists() and not roles.is_manager(request.user, site):
        raise Http404
    return programmes, None


@require_http_methods(["GET", "POST"])
def coordination(request: HttpRequest) -> HttpResponse:
    programmes, response = _coordinator_or_login(request)
    if response:
        return response
    training_form = TrainingForm(
        request.POST if request.method == "POST" else None,
        programmes=programmes,
        events=services.training_events(_site(request)),
    )
    invited = None
    if request.method == "POST" and request.POST.get("action") == "chat":
        value = request.POST.get("programme", "")
        programme = (
            programmes.filter(pk=int(value)).first()
            if value.isascii() and value.isdigit() and len(value) < 12
            else None
        )
        room = mentoring_chat.programme_room(programme) if programme else None
        if room is None:
            raise Http404
        from plugins.chat import api as chat_api

        return redirect(chat_api.room_url(room))
    if request.method == "POST":
        if request.POST.get("action") != "training":
            raise Http404
        if training_form.is_valid():
            data = training_form.cleaned_data
            try:
                invited = services.invite_to_training(
                    programmes.get(pk=data["programme"]), data["event"], by=request.user
                )
            except ValidationError as exc:
                training_form.add_error(None, exc)
    waiting = (
        Application.objects.filter(
            programme__in=programmes,
            status__in=[Application.Status.WAITING, Application.Status.PROPOSED],
        )
        .select_related("programme")
        .order_by("confirmed_at")
    )
    running = (
        Match.objects.filter(
            programme__in=programmes,
            status__in=[Match.Status.PROPOSED, Match.Status.ACTIVE, Match.Status.PAUSED],
        )
        .select_related("programme", "mentor", "application")
        .order_by("status", "-proposed_at")
    )
    return render(
        request,
        "mentoring/coordination.html",
        {
            "programmes": programmes,
            "waiting": waiting,
            "running": running,
            "attention": services.needing_attention(programmes),
            "training_form": training_form,
            "chat": mentoring_chat.chat_available(_site(request)),
            "invited": invited,
        },
        status=400 if training_form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    programmes, response = _coordinator_or_login(request)
    if response:
        return response
    application = get_object_or_404(
        Application.objects.select_related("programme"),
        pk=application_id,
        programme__in=programmes,
    )
    waiting = application.status == Application.Status.WAITING
    suggestions = ranking.suggestions_for(application) if waiting else []
    data = request.POST if request.method == "POST" else None  # an empty POST is an error too
    form = ProposeForm(data, suggestions=suggestions)
    if request.method == "POST":
        if not waiting:
            form.add_error(None, _("This application is not waiting for a mentor."))
        elif form.is_valid():
            chosen = next(
                s.mentor for s in suggestions if s.mentor.pk == form.cleaned_data["mentor"]
            )
            try:
                match = services.propose(
                    application,
                    chosen,
                    by=request.user,
                    first_meeting_at=form.cleaned_data["first_meeting_at"],
                    first_meeting_place=form.cleaned_data["first_meeting_place"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("plugins:mentoring:match", match.pk)
    return render(
        request,
        "mentoring/application_detail.html",
        {
            "application": application,
            "suggestions": suggestions,
            "form": form,
            "matches": application.matches.select_related("mentor"),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def match_detail(request: HttpRequest, match_id: int) -> HttpResponse:
    programmes, response = _coordinator_or_login(request)
    if response:
        return response
    match = get_object_or_404(
        Match.objects.select_related("programme", "mentor", "application"),
        pk=match_id,
        programme__in=programmes,
    )
    forms = {
        "end_form": EndForm(),
        "first_meeting_form": FirstMeetingForm(),
        "redate_form": RedateForm(initial={"first_meeting_place": match.first_meeting_place}),
    }
    if request.method == "POST":
        if not _match_action(request.POST, match, forms):
            raise Http404
        if not any(form.errors for form in forms.values()):
            return redirect("plugins:mentoring:match", match.pk)
    return render(
        request,
        "mentoring/match_detail.html",
        {
            "match": match,
            "checkins": match.checkins.all(),
            "feedback": match.feedback.all(),
            **forms,
            "first_meeting_due": services.first_meeting_overdue_since(match, timezone.now()),
        },
        status=400 if any(form.errors for form in forms.values()) else 200,
    )


def _match_action(data, match: Match, forms: dict) -> bool:
    """A coordinator's action on a match; a form sent is put into ``forms`` (with its
    errors). False for an unknown action."""
    action = data.get("action")
    if action == "redate":
        forms["redate_form"] = RedateForm(data)
        _submitted(
            forms["redate_form"],
            lambda first_meeting_at, first_meeting_place: services.redate_first_meeting(
                match, first_meeting_at, first_meeting_place.strip() or None
            ),
        )
    elif action == "first_meeting":
        forms["first_meeting_form"] = FirstMeetingForm(data)
        _submitted(
            forms["first_meeting_form"],
            lambda held, held_on: services.record_first_meeting(
                match, "coordinator", held, held_on
            ),
        )
    elif action == "end":
        forms["end_form"] = EndForm(data)
        _submitted(forms["end_form"], lambda reason: services.end(match, reason))
    elif action in ("pause", "resume", "handled"):
        {"pause": services.pause, "resume": services.resume, "handled": services.handle_flags}[
            action
        ](match)
    else:
        return False
    return True
