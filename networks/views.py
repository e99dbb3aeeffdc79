"""Views of the network's pages; the rules live in services, queries in :mod:`networks.queries`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.documents import get_document_model
from wagtail.models import Site

from treffpunkt.accounts.roles import site_of_page
from treffpunkt.core.access import LoginRequired, require_login
from treffpunkt.core.exports import csv_response, xlsx_response
from treffpunkt.core.ratelimit import allow

from . import queries, services
from .charts import indicator_chart
from .directory import listing as directory_listing
from .forms import (
    DecisionForm,
    DirectoryFilterForm,
    EmailsForm,
    JoinForm,
    MeasureFilterForm,
    PostForm,
    UploadForm,
)
from .measure_list import listing as measure_listing
from .membership import is_coordinator, is_member, is_network_member, own_status
from .models import GroupPost, Membership, WorkingGroupPage
from .vcard import vcard_for


def _render(request, page, template: str, context: dict) -> TemplateResponse:
    base = page.get_context(request)
    base.update(context)
    return TemplateResponse(request, template, base)


def group_urls(request, group: WorkingGroupPage) -> dict[str, str]:
    """The addresses of a group's actions, in the language of the page shown; relative on
    the group's own site, so forms post to the host the page came from (the CSP's
    ``form-action 'self'``) whichever of the site's addresses the visitor used."""
    base = group.get_url(request)
    return {
        name: base + group.reverse_subpage(name)
        for name in ["join", "leave", "space", "decide", "post", "upload", "emails"]
    }


# --- working groups --------------------------------------------------------------------------


def _own_membership(request, group: WorkingGroupPage) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    return Membership.objects.filter(
        working_group__translation_key=group.translation_key, user_id=request.user.pk
    ).first()


def working_group_public(request, group: WorkingGroupPage) -> TemplateResponse:
    status, member = own_status(request.user, group)
    context = {
        "action_field_name": queries.action_field_name(group, Site.find_for_request(request)),
        "membership_status": status,
        "is_member": member,
        "can_join": request.user.is_authenticated
        and is_network_member(request.user, site_of_page(group))
        and group.accepts_members
        and not member
        and status in (None, "left", "declined"),
        "join_form": JoinForm(),
        "coordinators": queries.coordinator_names(group),
        "urls": group_urls(request, group),
    }
    return _render(request, group, "networks/working_group_page.html", context)


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def working_group_join(request, group: WorkingGroupPage):
    if (refused := _post_only(request)) is not None:
        return refused
    if not request.user.is_authenticated:
        return redirect_to_login(group.url)
    if not is_network_member(request.user, site_of_page(group)):
        messages.error(request, _("Only members of the network can join its working groups."))
        return redirect(group.url)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your message is too long (at most 1000 characters)."))
        return redirect(group.url)
    # each request mails the coordinators: request-and-withdraw loops end here
    if not allow(
        request,
        "join",
        f"{request.user.pk}:{group.translation_key}",
        per_ip=getattr(settings, "NETWORKS_JOIN_RATE_IP", (20, 3600)),
        per_target=getattr(settings, "NETWORKS_JOIN_RATE_GROUP", (3, 86400)),
    ):
        messages.error(request, _("Too many requests. Please try again later."))
        return redirect(group.url)
    try:
        services.request_to_join(request.user, group, form.cleaned_data["message"])
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Thank you! The coordinators will answer your request by email.")
        )
    return redirect(group.url)


def working_group_leave(request, group: WorkingGroupPage):
    if (refused := _post_only(request)) is not None:
        return refused
    if not request.user.is_authenticated:
        return redirect_to_login(group.url)
    try:
        services.leave(request.user, group)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You have left the working group."))
    return redirect(group.url)


def _require_member(request, group: WorkingGroupPage) -> None:
    require_login(request.user)
    if not is_member(request.user, group):
        raise PermissionDenied(_("This area is for members of the working group only."))


def _space_url(request, group: WorkingGroupPage) -> str:
    return group.get_url(request) + group.reverse_subpage("space")


def working_group_space(request, group: WorkingGroupPage):
    try:
        _require_member(request, group)
    except LoginRequired:
        return redirect_to_login(_space_url(request, group))
    return _render_space(request, group)


def _render_space(
    request, group, post_form=None, upload_form=None, status: int = 200
) -> TemplateResponse:
    source = services.source_group(group)
    coordinator = is_coordinator(request.user, group)
    posts = list(GroupPost.objects.filter(working_group=source).select_related("author")[:50])
    response = _render(
        request,
        group,
        "networks/working_group_space.html",
        {
            "is_coordinator": coordinator,
            "members": queries.active_memberships(source),
            "requests": queries.open_requests(source) if coordinator else [],
            "documents": queries.group_documents(source),
            "minutes": [p for p in posts if p.kind == GroupPost.Kind.MINUTES],
            "announcements": [p for p in posts if p.kind == GroupPost.Kind.ANNOUNCEMENT],
            "membership": _own_membership(request, group),
            "post_form": post_form or PostForm(),
            "upload_form": upload_form or UploadForm(auto_id="id_upload_%s"),
            "space_url": _space_url(request, group),
            "urls": group_urls(request, group),
        },
    )
    response.status_code = status
    return response


def working_group_decide(request, group: WorkingGroupPage):
    if (refused := _post_only(request)) is not None:
        return refused
    if not request.user.is_authenticated:
        return redirect_to_login(_space_url(request, group))
    if not is_coordinator(request.user, group):
        raise PermissionDenied(_("Only the coordinators of this working group can do that."))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This request does not exist."))
        return redirect(_space_url(request, group))
    actions = {
        "approve": (services.approve, _("The request has been approved.")),
        "decline": (services.decline, _("The request has been declined.")),
        "remove": (services.remove, _("The member has been removed.")),
    }
    membership_id, action = form.cleaned_data["membership"], form.cleaned_data["action"]
    try:
        if action in actions:
            function, done = actions[action]
            function(request.user, group, membership_id)
        else:
            role = "coordinator" if action == "make_coordinator" else "member"
            services.set_role(request.user, group, membership_id, role)
            done = _("The role has been changed.")
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(_space_url(request, group))


def working_group_post(request, group: WorkingGroupPage):
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        _require_member(request, group)
    except LoginRequired:
        return redirect_to_login(_space_url(request, group))
    form = PostForm(request.POST)
    if not form.is_valid():
        return _render_space(request, group, post_form=form, status=400)
    try:
        services.add_post(request.user, group, **form.cleaned_data)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your post has been published for the members."))
    return redirect(_space_url(request, group))


def working_group_upload(request, group: WorkingGroupPage):
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        _require_member(request, group)
    except LoginRequired:
        return redirect_to_login(_space_url(request, group))
    # Its own ids: the post form on the same page has a "title" field too.
    form = UploadForm(request.POST, request.FILES, auto_id="id_upload_%s")
    if not form.is_valid():
        return _render_space(request, group, upload_form=form, status=400)
    source = services.source_group(group)
    Document = get_document_model()
    with transaction.atomic():
        document = Document(
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            collection=source.collection,
            uploaded_by_user=request.user,
        )
        document.save()
    messages.success(request, _("The document has been added for the members."))
    return redirect(_space_url(request, group))


def working_group_emails(request, group: WorkingGroupPage):
    if (refused := _post_only(request)) is not None:
        return refused
    if not request.user.is_authenticated:
        return redirect_to_login(_space_url(request, group))
    form = EmailsForm(request.POST)
    form.is_valid()
    try:
        services.set_announcement_emails(
            request.user, group, form.cleaned_data.get("receive", False)
        )
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your email settings have been saved."))
    return redirect(_space_url(request, group))


# --- organisations -----------------------------------------------------------------------


def _site(request) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    return site


def directory(request, page) -> TemplateResponse:
    site = _site(request)
    form = DirectoryFilterForm(
        request.GET or None,
        action_fields=queries.action_fields_for(site),
        languages=queries.directory_languages(site),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    found = directory_listing(site, page, page.get_url(request), filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        page,
        "networks/organisation_directory_page.html",
        {
            "form": form,
            "page_obj": found.page_obj,
            "cards": found.cards,
            "filter_query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        },
    )


def organisation_detail(request, page, slug: str) -> TemplateResponse:
    site = _site(request)
    organisation = queries.organisation_or_404(site, slug)
    queries.name_action_fields(list(organisation.action_fields.all()), site)
    return _render(
        request,
        page,
        "networks/organisation_detail.html",
        {
            "organisation": organisation,
            "vcard_url": page.get_url(request)
            + page.reverse_subpage("vcard", kwargs={"slug": slug}),
            "measures": queries.measures_of_organisation(organisation),
        },
    )


def organisation_vcard(request, page, slug: str) -> HttpResponse:
    organisation = queries.organisation_or_404(_site(request), slug)
    response = HttpResponse(vcard_for(organisation), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organisation.slug}.vcf"'
    return response


# --- measures ----------------------------------------------------------------------------


def _measure_filters(request, site) -> tuple[MeasureFilterForm, dict]:
    form = MeasureFilterForm(
        request.GET or None,
        action_fields=queries.action_fields_for(site),
        organisations=queries.organisations_with_measures(site),
    )
    return form, (form.cleaned_data if form.is_valid() else {})


def measures(request, page) -> TemplateResponse:
    site = _site(request)
    form, filters = _measure_filters(request, site)
    url = page.get_url(request)
    found = measure_listing(site, page, url, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        page,
        "networks/measure_index_page.html",
        {
            "form": form,
            "page_obj": found.page_obj,
            "rows": found.cards,
            "filter_query": query.urlencode(),
            "csv_url": url + page.reverse_subpage("csv"),
            "xlsx_url": url + page.reverse_subpage("xlsx"),
        },
    )


def measure_detail(request, page, slug: str) -> TemplateResponse:
    site = _site(request)
    measure = queries.measure_or_404(site, slug)
    if measure.action_field:
        queries.name_action_fields([measure.action_field], site)
    indicators = list(measure.indicators.all())
    readings = queries.readings_by_indicator(indicators)
    for indicator in indicators:
        indicator.history = readings.get(indicator.pk, [])
        indicator.chart = indicator_chart(indicator, indicator.history)
    return _render(
        request,
        page,
        "networks/measure_detail.html",
        {"measure": measure, "indicators": indicators},
    )


EXPORT_HEADERS = [
    gettext_lazy("title"),
    gettext_lazy("action field"),
    gettext_lazy("status"),
    gettext_lazy("goal"),
    gettext_lazy("target group"),
    gettext_lazy("description"),
    gettext_lazy("lead organisation"),
    gettext_lazy("participants"),
    gettext_lazy("start"),
    gettext_lazy("end"),
    gettext_lazy("indicators"),
    gettext_lazy("resources"),
]


def export_rows(measure_list) -> list[list[str]]:
    rows = []
    for measure in measure_list:
        indicators = "; ".join(
            f"{i.name}: {i.current_value if i.current_value is not None else '–'}"
            f"{' / ' + str(i.target) if i.target is not None else ''} {i.unit}".strip()
            for i in measure.indicators.all()
        )
        rows.append(
            [
                measure.title,
                measure.action_field.name if measure.action_field else "",
                measure.get_status_display(),
                measure.goal,
                measure.target_group,
                measure.description,
                measure.lead_organisation.name if measure.lead_organisation else "",
                ", ".join(o.name for o in measure.participants.all()),
                measure.start_date.isoformat() if measure.start_date else "",
                measure.end_date.isoformat() if measure.end_date else "",
                indicators,
                measure.resources,
            ]
        )
    return rows


def measures_export(request, page, kind: str) -> HttpResponse:
    site = _site(request)
    _form, filters = _measure_filters(request, site)
    headers = [str(h) for h in EXPORT_HEADERS]
    rows = export_rows(queries.measures(site, **filters))
    filename = f"massnahmen-{site.hostname}"
    if kind == "csv":
        return csv_response(filename, headers, rows)
    return xlsx_response(filename, headers, rows, sheet_title=_("Measures"))
