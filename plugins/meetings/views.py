"""Front-end views for members and hosts: thin wrappers around :mod:`.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from treffpunkt.calendar.feeds import (
    add_to_calendar_links,
    common_version,
    feed_response,
    subscribe_links,
)
from treffpunkt.links import join_root

from . import access, ical, services
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    ExtraDateForm,
    MinutesForm,
    MoveForm,
    PreferencesForm,
    RsvpForm,
    TaskForm,
)
from .models import (
    FeedToken,
    MeetingSeriesPage,
    NotificationKind,
    NotificationOptOut,
    Rsvp,
    Visibility,
)
from .signals import date_host_links


def _live_series(request, series_id: int) -> MeetingSeriesPage | None:
    """The live series page with this id (in any language) whose series is on this site."""
    site = Site.find_for_request(request)
    page = (
        MeetingSeriesPage.objects.live()
        .select_related("working_group", "locale")
        .filter(pk=series_id)
        .first()
    )
    if page is None:
        return None
    # a translation lives in another page tree: the series (its source) is what is on the site
    source = page.schedule_source()
    if not MeetingSeriesPage.objects.live().in_site(site).filter(pk=source.pk).exists():
        return None
    return page


def _series(request, series_id: int) -> MeetingSeriesPage:
    """The series, if it is live on this site and the visitor may see it; else 404."""
    series = _live_series(request, series_id)
    if series is None or not access.can_view(series, request.user):
        raise Http404
    return series


def _refuse(request, error: services.MeetingError) -> None:
    for message in error.messages:
        messages.error(request, message)


def date_detail(request, series_id: int, key: str):
    series = _live_series(request, series_id)
    if series is not None and not access.can_view(series, request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        series = None
    if series is None:
        raise Http404
    info = services.schedule.find_date(series, key)
    if info is None:
        raise Http404
    return render(request, "meetings/date.html", _date_context(request, series, info))


def date_ics(request, series_id: int, key: str):
    """One date as an .ics file (add to calendar): whoever may see the date; the online link
    only for those who take part."""
    series = _live_series(request, series_id)
    if series is not None and not access.can_view(series, request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        series = None
    info = services.schedule.find_date(series, key) if series is not None else None
    if info is None:
        raise Http404
    site = Site.find_for_request(request)
    page_url = (
        join_root(site.root_url, info.url()) if site else request.build_absolute_uri(info.url())
    )
    online = access.can_participate(series, request.user)
    body = ical.calendar([ical.date_component(series, info, page_url, online)], series.title)
    private = request.user.is_authenticated or series.visibility != Visibility.PUBLIC
    response = feed_response(request, body, filename=f"treffen-{key}.ics", private=private)
    response["Content-Disposition"] = f'attachment; filename="treffen-{key}.ics"'
    return response


def date_calendar_links(request, series, info) -> dict:
    """Add-to-calendar links of one date: its .ics file, Google Calendar, Outlook."""
    page_url = request.build_absolute_uri(info.url())
    return {
        "ics": reverse("plugins:meetings:date_ics", args=[series.pk, info.key]),
        **add_to_calendar_links(series.title, info.start, info.end, info.location, page_url),
    }


def _date_context(request, series, info, **forms) -> dict:
    row = info.row
    participate = access.can_participate(series, request.user)
    host = access.can_host(series, request.user)
    context = {
        "series": series,
        "date": info,
        "calendar_links": date_calendar_links(request, series, info),
        "row": row,
        "can_participate": participate,
        "can_host": host,
        "counts": services.rsvp_counts(row),
        "agenda": list(row.agenda_items.select_related("author").order_by("sort_order", "pk"))
        if row
        else [],
    }
    if participate and row is not None:
        context["my_rsvp"] = (
            Rsvp.objects.filter(occurrence=row, user=request.user)
            .values_list("answer", flat=True)
            .first()
        )
        context["decisions"] = list(row.decisions.order_by("sort_order"))
        context["tasks"] = list(row.tasks.select_related("owner").order_by("sort_order"))
        context["attendees"] = list(row.attendees.all())
        context["rsvp_people"] = services.rsvp_people(row)
    if participate:
        context["rsvp_form"] = RsvpForm(initial={"answer": context.get("my_rsvp")})
        context["agenda_form"] = forms.get("agenda_form") or AgendaItemForm()
    if host:
        people = list(access.people_of(series).order_by("last_name", "first_name", "email"))
        context["cancel_form"] = CancelForm()
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(
            initial={"minutes": _html_to_text(row.minutes) if row else ""}
        )
        context["task_form"] = forms.get("task_form") or TaskForm(people=people)
        context["attendance_form"] = AttendanceForm(
            people=people, initial={"present": [p.pk for p in context.get("attendees", [])]}
        )
        site = Site.find_for_request(request)
        if site is not None and not info.cancelled and not info.is_past:
            # other plugins' buttons for this date (the interpreter pool's request)
            context["host_links"] = date_host_links.collect(
                site, request=request, series=series, date=info
            )
    return context


def _html_to_text(html: str) -> str:
    from django.utils.html import strip_tags

    text = html.replace("<br/>", "\n").replace("</p>", "\n\n")
    return strip_tags(text).strip()


def _back(series, key: str):
    return redirect("plugins:meetings:date", series.pk, key)


def _post_action(
    request, series_id: int, key: str, form_class, action, form_name: str, **form_kwargs
):
    """Validate a form, run a service; on a refusal show the page again with the message."""
    series = _series(request, series_id)
    form = form_class(request.POST, **form_kwargs)
    try:
        if not form.is_valid():
            raise services.MeetingError([e for errors in form.errors.values() for e in errors])
        action(series, form.cleaned_data)
    except services.MeetingError as error:
        _refuse(request, error)
        info = services.schedule.find_date(series, key)
        if info is None:
            raise Http404 from error
        context = _date_context(request, series, info, **{form_name: form})
        return render(request, "meetings/date.html", context, status=400)
    return _back(series, key)


@login_required
@require_POST
def rsvp(request, series_id: int, key: str):
    def action(series, data):
        services.set_rsvp(series, key, request.user, data["answer"])
        messages.success(request, _("Thank you, your answer has been saved."))

    return _post_action(request, series_id, key, RsvpForm, action, "rsvp_form")


@login_required
@require_POST
def add_agenda_item(request, series_id: int, key: str):
    def action(series, data):
        services.add_agenda_item(series, key, request.user, data["title"], data["description"])
        messages.success(request, _("Your topic is on the agenda."))

    return _post_action(request, series_id, key, AgendaItemForm, action, "agenda_form")


@login_required
@require_POST
def move_agenda_item(request, series_id: int, key: str, item_id: int):
    series = _series(request, series_id)
    try:
        services.move_agenda_item(series, key, request.user, item_id, request.POST.get("direction"))
    except services.MeetingError as error:
        _refuse(request, error)
    return _back(series, key)


@login_required
@require_POST
def delete_agenda_item(request, series_id: int, key: str, item_id: int):
    series = _series(request, series_id)
    try:
        services.delete_agenda_item(series, key, request.user, item_id)
        messages.success(request, _("The topic has been removed."))
    except services.MeetingError as error:
        _refuse(request, error)
    return _back(series, key)


@login_required
@require_POST
def cancel(request, series_id: int, key: str):
    def action(series, data):
        services.cancel_date(series, key, request.user, data["note"])
        messages.success(request, _("The date has been cancelled; the members are told."))

    return _post_action(request, series_id, key, CancelForm, action, "cancel_form")


@login_required
@require_http_methods(["GET", "POST"])
def move(request, series_id: int, key: str):
    series = _series(request, series_id)
    info = services.schedule.find_date(series, key)
    if info is None or not access.can_host(series, request.user):
        raise Http404
    form = MoveForm(
        request.POST or None,
        initial={
            "date": info.local_start.date(),
            "start_time": info.local_start.time(),
            "end_time": info.local_end.time(),
            "location": info.row.location if info.row else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.start_end()
        try:
            services.move_date(
                series,
                key,
                request.user,
                start,
                end,
                form.cleaned_data["location"],
                form.cleaned_data["note"],
            )
        except services.MeetingError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The date has been moved; the members are told."))
            return _back(series, key)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "meetings/move.html", {"series": series, "date": info, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_extra_date(request, series_id: int):
    series = _series(request, series_id)
    if not access.can_host(series, request.user):
        raise Http404
    form = ExtraDateForm(
        request.POST or None,
        initial={
            "start_time": series.start_time,
            "end_time": series.end_time,
            "location": series.location,
        },
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.start_end()
        try:
            row = services.add_extra_date(
                series, request.user, start, end, form.cleaned_data["location"]
            )
        except services.MeetingError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The extra date has been added."))
            return _back(series, row.key)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "meetings/extra_date.html", {"series": series, "form": form}, status=status
    )


@login_required
@require_POST
def minutes(request, series_id: int, key: str):
    def action(series, data):
        decisions = data["decisions"].splitlines()
        row = services.save_minutes(
            series, key, request.user, data["minutes"], decisions, publish=data["publish"]
        )
        if row.minutes_published_at:
            messages.success(request, _("The minutes have been saved and published."))
        else:
            messages.success(request, _("The minutes have been saved as a draft."))

    return _post_action(request, series_id, key, MinutesForm, action, "minutes_form")


@login_required
@require_POST
def attendance(request, series_id: int, key: str):
    series = _series(request, series_id)
    try:
        services.record_attendance(series, key, request.user, request.POST.getlist("present"))
        messages.success(request, _("Attendance has been saved."))
    except services.MeetingError as error:
        _refuse(request, error)
    return _back(series, key)


@login_required
@require_POST
def add_task(request, series_id: int, key: str):
    series = _series(request, series_id)
    people = list(access.people_of(series)) if access.can_host(series, request.user) else []

    def action(series, data):
        services.add_task(series, key, request.user, data["title"], data["owner"], data["due_date"])
        messages.success(request, _("The task has been added."))

    return _post_action(request, series_id, key, TaskForm, action, "task_form", people=people)


@login_required
@require_POST
def task_done(request, task_id: int):
    try:
        task = services.set_task_done(task_id, request.user, request.POST.get("done") == "1")
    except services.MeetingError as error:
        _refuse(request, error)
        return redirect("plugins:meetings:my_tasks")
    messages.success(request, _("The task has been updated."))
    target = request.POST.get("next")
    if target == "date":
        return redirect("plugins:meetings:date", task.occurrence.series_id, task.occurrence.key)
    return redirect("plugins:meetings:my_tasks")


@login_required
def my_tasks(request):
    site = Site.find_for_request(request)
    tasks = services.Task.objects.filter(owner=request.user).select_related("occurrence__series")
    tasks = tasks.filter(occurrence__series__in=MeetingSeriesPage.objects.in_site(site))
    return render(
        request,
        "meetings/my_tasks.html",
        {
            "open_tasks": [t for t in tasks.order_by("due_date", "pk") if not t.done],
            "done_tasks": list(tasks.filter(done=True).order_by("-done_at")[:20]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Calendar feed address (with reset) and which meeting emails a person wants."""
    token = FeedToken.for_user(request.user)
    opted_out = set(
        NotificationOptOut.objects.filter(user=request.user).values_list("kind", flat=True)
    )
    enabled = [k for k in NotificationKind.values if k not in opted_out]
    form = PreferencesForm(request.POST or None, kinds=NotificationKind.choices, enabled=enabled)
    if request.method == "POST":
        if "reset_feed" in request.POST:
            token.reset()
            messages.success(
                request, _("Your calendar address has been renewed; the old one no longer works.")
            )
            return redirect("plugins:meetings:preferences")
        if form.is_valid():
            for kind in NotificationKind.values:
                if form.cleaned_data[kind]:
                    NotificationOptOut.objects.filter(user=request.user, kind=kind).delete()
                else:
                    NotificationOptOut.objects.get_or_create(user=request.user, kind=kind)
            messages.success(request, _("Your email settings have been saved."))
            return redirect("plugins:meetings:preferences")
    site = Site.find_for_request(request)
    path = _feed_path(token.token)
    links = (
        subscribe_links(site, path, name=_feed_name(site))
        if site is not None
        else {"feed_url": request.build_absolute_uri(path)}
    )
    context = {"form": form, "feed_url": links["feed_url"], "feed_links": links}
    return render(request, "meetings/preferences.html", context)


def _feed_name(site) -> str:
    return _("Meetings – %(site)s") % {"site": site.site_name or site.hostname}


def _feed_path(token: str) -> str:
    from django.urls import reverse

    return reverse("plugins:meetings:feed", args=[token])


def personal_feed(request, token: str):
    """The meetings a person takes part in, private ones included: no login, the token is
    the key, so it is compared in the database and a reset token finds nobody."""
    feed_token = FeedToken.objects.select_related("user").filter(token=token).first()
    if feed_token is None or not feed_token.user.is_active:
        raise Http404
    site = Site.find_for_request(request)
    user = feed_token.user
    name = _feed_name(site)

    # who sees what takes queries (roles, groups): only when the feed is built or its version
    # asked, never for a poll that the cache answers
    def build() -> bytes:
        online = set(access.participating_series(site, user).values_list("pk", flat=True))
        series = list(access.visible_series(site, user))
        return ical.feed(series, site.root_url, name=name, online_ids=online)

    def version() -> tuple:
        series = access.visible_series(site, user)
        taking_part = access.participating_series(site, user)
        return (ical.feed_version(series, taking_part), common_version(site), name)

    response = feed_response(request, build, version=version, filename="treffen.ics", private=True)
    response["X-Robots-Tag"] = "noindex"
    return response
