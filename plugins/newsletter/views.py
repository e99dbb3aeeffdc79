"""The public pages of a subscription: sign up, confirm, preferences, leave."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from treffpunkt.core.ratelimit import allow

from . import subscriptions
from .forms import PreferencesForm, SubscribeForm
from .models import Subscriber


def _invalid(request: HttpRequest, error: subscriptions.TokenError, status: int = 404):
    return render(
        request, "newsletter/link_invalid.html", {"message": error.message}, status=status
    )


def _allowed(request: HttpRequest, email: str) -> bool:
    """Nobody fills a stranger's inbox with confirmation mails: per IP and per address."""
    return allow(
        request,
        "newsletter",
        email,
        per_ip=getattr(settings, "NEWSLETTER_SUBSCRIBE_RATE_IP", (10, 3600)),
        per_target=getattr(settings, "NEWSLETTER_SUBSCRIBE_RATE_EMAIL", (3, 86400)),
    )


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    site = Site.find_for_request(request)
    if request.method == "POST":
        form = SubscribeForm(request.POST, site=site)
        if form.is_valid() and not _allowed(request, form.cleaned_data["email"]):
            form.add_error(None, _("Too many attempts. Please try again later."))
        elif form.is_valid():
            if not form.cleaned_data.get("website"):
                try:
                    subscriptions.subscribe(
                        site,
                        form.cleaned_data["email"],
                        form.cleaned_data["language"],
                        form.cleaned_data.get("topics") or [],
                        user=request.user,
                        source=f"web form {request.path}",
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
            if not form.errors:
                return redirect("plugins:newsletter:subscribed")
    else:
        initial = {"language": get_language()}
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        form = SubscribeForm(initial=initial, site=site)
    return render(request, "newsletter/subscribe.html", {"form": form})


def subscribed(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/subscribed.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    try:
        subscriber = subscriptions.subscriber_for_confirmation(code)
    except subscriptions.TokenError as error:
        return _invalid(request, error, status=400)
    confirmed_now = False
    if request.method == "POST":
        confirmed_now = subscriptions.confirm(subscriber)
    return render(
        request,
        "newsletter/confirm.html",
        {
            "subscriber": subscriber,
            "confirmed_now": confirmed_now,
            "pending": subscriber.status == Subscriber.Status.PENDING,
        },
    )


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriptions.subscriber_for_token(token)
    except subscriptions.TokenError as error:
        return _invalid(request, error)
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST, site=subscriber.site)
        if form.is_valid():
            subscriptions.update_preferences(
                subscriber, form.cleaned_data["language"], form.cleaned_data.get("topics") or []
            )
            saved = True
    else:
        form = PreferencesForm(
            initial={"language": subscriber.language, "topics": list(subscriber.topics.all())},
            site=subscriber.site,
        )
    return render(
        request,
        "newsletter/preferences.html",
        {"form": form, "subscriber": subscriber, "saved": saved},
    )


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" here without a CSRF token. The
# secret token in the address is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = subscriptions.subscriber_for_token(token)
    except subscriptions.TokenError as error:
        return _invalid(request, error)
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber)
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
