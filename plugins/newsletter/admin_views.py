"""The integration manager's newsletter desk in the Wagtail admin: check, test, send, watch."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.models import Site

from treffpunkt.accounts import roles, scope
from treffpunkt.core.converters import bounded_int

from . import delivery, subscriptions
from .models import Mailing, NewsletterPage
from .rendering import editions_of, render_edition

PERMISSION = "newsletter.add_mailing"


def can_send(user) -> bool:
    """Integration managers (of some town) and superusers; each for their own towns."""
    return user.is_active and user.has_perm(PERMISSION) and roles.manages_any(user)


editor_required = user_passes_test(can_send)


class SendForm(forms.Form):
    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=[("now", gettext_lazy("Now")), ("later", gettext_lazy("At a time"))],
        widget=forms.RadioSelect,
        initial="now",
    )
    send_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later" and not data.get("send_at"):
            self.add_error("send_at", _("Choose when the newsletter goes out."))
        return data


class TestSendForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Edition"), choices=settings.INTERFACE_LANGUAGES
    )


class ImportForm(forms.Form):
    site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=Site.objects.none())
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: email, language (de, en, ar, uk, tr), topics (names separated by |)."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Where was consent given?"),
        max_length=150,
        help_text=gettext_lazy("For example: paper list at the network meeting, 3 March 2026."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check, import nothing"), required=False, initial=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # into the towns the person manages only
        self.fields["site"].queryset = roles.managed_sites(user)


def _issue(request: HttpRequest, page_id: int) -> NewsletterPage:
    """The issue, if it belongs to a town the person manages; 404 otherwise."""
    page = get_object_or_404(scope.for_user(NewsletterPage.objects.all(), request.user), pk=page_id)
    return delivery.default_edition(page)


@editor_required
def index(request: HttpRequest) -> HttpResponse:
    issues = list(
        scope.for_user(NewsletterPage.objects.all(), request.user)
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .order_by("-latest_revision_created_at")
        .select_related("locale")[:200]
    )
    mailings = {}
    for mailing in Mailing.objects.exclude(status=Mailing.Status.CANCELLED).filter(
        translation_key__in=[p.translation_key for p in issues]
    ):
        mailings[mailing.translation_key] = mailing
    rows = [(page, mailings.get(page.translation_key)) for page in issues]
    return TemplateResponse(request, "newsletter/admin/index.html", {"rows": rows})


@editor_required
def issue(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _issue(request, page_id)
    site = page.get_site()
    mailing = (
        Mailing.objects.filter(translation_key=page.translation_key)
        .exclude(status=Mailing.Status.CANCELLED)
        .first()
    )
    context = {
        "page": page,
        "site": site,
        "mailing": mailing,
        "editions": sorted(editions_of(page)),
        "send_form": SendForm(),
        "test_form": TestSendForm(initial={"language": settings.LANGUAGE_CODE}),
    }
    if mailing is None:
        context["problems"] = delivery.problems(page, site)
        context["counts"] = sorted(delivery.edition_counts(page, site).items())
        context["total"] = sum(n for _l, n in context["counts"])
    else:
        context["stats"] = mailing.counts()
        context["unsubscribed"] = mailing.unsubscribed_since()
        stats = context["stats"]
        context["percent"] = int(100 * stats["done"] / stats["total"]) if stats["total"] else 100
    return TemplateResponse(request, "newsletter/admin/issue.html", context)


@editor_required
def preview(request: HttpRequest, page_id: int, language: str) -> HttpResponse:
    page = _issue(request, page_id)
    edition = editions_of(page).get(language)
    if edition is None:
        edition = page
    rendered = render_edition(edition, page.get_site())
    example = {
        "email": request.user.email,
        "preferences_url": "#",
        "unsubscribe_url": "#",
    }
    _subject, html, text = rendered.personalise(example)
    if request.GET.get("format") == "text":
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
    response = HttpResponse(html)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@require_POST
@editor_required
def test_send(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _issue(request, page_id)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an edition."))
        return redirect("newsletter_admin:issue", page.pk)
    problems = delivery.problems(page, None)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("newsletter_admin:issue", page.pk)
    language = form.cleaned_data["language"]
    edition_page = editions_of(page).get(language, page)
    rendered = render_edition(edition_page, page.get_site())
    subject, html, text = rendered.personalise(
        {"email": request.user.email, "preferences_url": "#", "unsubscribe_url": "#"}
    )
    mail = EmailMultiAlternatives(
        "[Test] " + subject, text, settings.DEFAULT_FROM_EMAIL, [request.user.email]
    )
    mail.attach_alternative(html, "text/html")
    mail.send()
    messages.success(
        request,
        _("A test of the %(language)s edition went to %(email)s.")
        % {"language": rendered.language, "email": request.user.email},
    )
    return redirect("newsletter_admin:issue", page.pk)


@require_POST
@editor_required
def send(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _issue(request, page_id)
    form = SendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("newsletter_admin:issue", page.pk)
    send_at: datetime | None = None
    if form.cleaned_data["when"] == "later":
        send_at = form.cleaned_data["send_at"]
        if timezone.is_naive(send_at):
            send_at = timezone.make_aware(send_at)
    site = page.get_site()
    problems = delivery.problems(page, site)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("newsletter_admin:issue", page.pk)
    names = dict(settings.LANGUAGES)
    counts = [
        (language, names.get(language, language), n)
        for language, n in sorted(delivery.edition_counts(page, site).items())
    ]
    total = sum(n for _language, _name, n in counts)
    confirmed = bounded_int(request.POST.get("confirmed", ""))
    if confirmed != total:
        # First the count per edition and a second click; again if it changed meanwhile.
        return TemplateResponse(
            request,
            "newsletter/admin/confirm_send.html",
            {
                "page": page,
                "form": form,
                "send_at": send_at,
                "counts": counts,
                "total": total,
                "changed": confirmed is not None,
            },
        )
    try:
        mailing = delivery.start_mailing(page, request.user, send_at)
    except delivery.MailingError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("newsletter_admin:issue", page.pk)
    if send_at:
        messages.success(request, _("The newsletter is scheduled."))
    else:
        messages.success(request, _("The newsletter is being sent."))
    return redirect("newsletter_admin:issue", mailing.page_id)


@require_POST
@editor_required
def control(request: HttpRequest, mailing_id: int, action: str) -> HttpResponse:
    mailing = get_object_or_404(scope.for_user(Mailing.objects.all(), request.user), pk=mailing_id)
    actions = {
        "cancel": delivery.cancel,
        "pause": delivery.pause,
        "resume": delivery.resume,
        "resend-unknown": delivery.resend_unknown,
    }
    if action not in actions:
        raise PermissionDenied
    try:
        outcome = actions[action](mailing)
    except delivery.MailingError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if action == "resend-unknown":
            messages.success(
                request,
                ngettext(
                    "%(count)s mail is being sent again.",
                    "%(count)s mails are being sent again.",
                    outcome,
                )
                % {"count": outcome},
            )
    return redirect("newsletter_admin:issue", mailing.page_id)


@editor_required
def import_subscribers(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 10 * 1024 * 1024:
                form.add_error("file", _("The file is larger than 10 MB."))
            else:
                report = subscriptions.import_csv(
                    form.cleaned_data["site"],
                    upload.read(),
                    source=form.cleaned_data["source"],
                    dry_run=form.cleaned_data["dry_run"],
                )
    else:
        form = ImportForm(initial={"site": _own_site(request)}, user=request.user)
    return TemplateResponse(
        request, "newsletter/admin/import.html", {"form": form, "report": report}
    )


def _own_site(request: HttpRequest) -> Site | None:
    """The site of the request if the person manages it, else the first they manage."""
    site = Site.find_for_request(request)
    if site is not None and roles.is_manager(request.user, site):
        return site
    return roles.managed_sites(request.user).first()


@editor_required
def export_subscribers(request: HttpRequest) -> HttpResponse:
    managed = roles.managed_sites(request.user)
    if request.GET.get("site"):
        site = get_object_or_404(managed, pk=bounded_int(request.GET["site"]) or 0)
    else:
        site = _own_site(request)
    if site is None:
        raise PermissionDenied
    response = HttpResponse(subscriptions.export_csv(site), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="newsletter-{site.hostname}.csv"'
    return response
