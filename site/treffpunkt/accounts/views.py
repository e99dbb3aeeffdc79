from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from treffpunkt.signals import dashboard_panels, notification_settings

from . import personal_data
from .forms import DeleteAccountForm, ProfileForm


@login_required
def dashboard(request):
    site = Site.find_for_request(request)
    panels = sorted(dashboard_panels.collect(site, request=request), key=lambda p: p.order)
    return render(request, "accounts/dashboard.html", {"panels": panels})


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """Every choice about emails on one page: the sections apps and plugins contribute."""
    site = Site.find_for_request(request)
    sections = sorted(
        notification_settings.collect(site, request=request), key=lambda s: (s.order, s.key)
    )
    if request.method == "POST":
        with transaction.atomic():
            for section in sections:
                if section.save is not None:
                    section.save(request.POST)
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("accounts:notifications")
    return render(
        request,
        "accounts/notifications.html",
        {"sections": sections, "can_save": any(s.save is not None for s in sections)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        language = form.cleaned_data["preferred_language"]
        with translation.override(language):
            from django.urls import reverse

            return redirect(reverse("accounts:profile"))
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        site = Site.find_for_request(request)
        with transaction.atomic():
            logout(request)
            personal_data.delete_account(user, site)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def download_data(request):
    """The signed-in person's data as one JSON file (right of access, DSGVO Art. 15 and 20)."""
    site = Site.find_for_request(request)
    body = personal_data.export_json(request.user, site)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"treffpunkt-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def download_data_zip(request):
    """The same data and the files the person uploaded, as one ZIP (DSGVO Art. 15, 20)."""
    from django.http import FileResponse

    site = Site.find_for_request(request)
    archive = personal_data.export_zip(request.user, site)
    name = f"treffpunkt-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(
        archive, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def admin_login(request, *args, **kwargs):
    """Wagtail's own login is closed: every sign-in goes through allauth (and its second
    factor). The admin's login URL sends people there, keeping where they wanted to go."""
    target = reverse("account_login")
    wanted = request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target += "?" + urlencode({"next": wanted})
    return HttpResponseRedirect(target)


def admin_password_reset(request, *args, **kwargs):
    """Wagtail's password reset is closed too: allauth's is rate limited per IP and address."""
    return HttpResponseRedirect(reverse("account_reset_password"))
