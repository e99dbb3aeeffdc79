"""The access matrix: every private URL of every app, eight personas, two towns, two languages.

The table :data:`RULES` says, per URL name, who may open it. The matrix is generated from
the URL conf (and the sub-routes of routable pages, and the websocket routes): a pattern of
an app with no rule here fails :func:`test_every_url_has_a_rule`, so a new view cannot
ship without saying who may see it. Each cell asserts the status, and in a refused cell that
none of the town's private values (registrants, subscribers, minutes, tasks, chat messages)
appear in the body.

Towns: Beckum (town 1, ``beckum.test``) and Borken (town 2, ``borken.test``). The personas
of town 1 are a network member, a member and the coordinator of working group A; the
managers are one per town; the superuser passed the second factor in the session.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import make_site

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "outsider",
    "network_member",
    "group_member",
    "coordinator",
    "manager_1",
    "manager_2",
    "superuser",
]
TOWNS = {1: ("beckum.test", "beckum", "Beckum"), 2: ("borken.test", "borken", "Borken")}
LANGUAGES = ["", "/ar"]  # German (no prefix) and Arabic

# --- who may -----------------------------------------------------------------------------
#
# A rule is a kind of access; ``allowed(kind, persona, town)`` says whether a persona may
# open a URL of that kind for an object of that town.

OPEN = "open"  # everyone (public pages, sign-up forms, public feeds)
SIGNED_IN = "signed_in"  # any signed-in person, their own data only
TOKEN = "token"  # the token is the key: a wrong token finds nothing, for everyone
NETWORK = "network"  # the town's network members (and its managers, superusers)
GROUP = "group"  # members of the town's working group A/B (and managers, superusers)
HOST = "host"  # coordinators of the group (and managers, superusers)
MANAGER = "manager"  # the town's integration managers and superusers
ADMIN = "admin"  # Wagtail admin views of the town's rows: managers of that town
POST_ONLY = "post"  # changes state: a GET changes nothing (405 or a redirect)


def allowed(kind: str, persona: str, town: int) -> bool:
    if kind == OPEN:
        return True
    if persona == "anonymous":
        return False
    if kind == SIGNED_IN:
        return True
    if persona == "superuser":
        return True
    if kind in (MANAGER, ADMIN):
        return persona == f"manager_{town}"
    if persona == f"manager_{town}":
        return True
    if town != 1:
        return False  # the other personas belong to town 1 only
    if kind == NETWORK:
        return persona in ("network_member", "group_member", "coordinator")
    if kind == GROUP:
        return persona in ("group_member", "coordinator")
    if kind == HOST:
        return persona == "coordinator"
    return False


@dataclass
class Rule:
    kind: str
    #: builds the path for a town's world (None: the URL has no per-town object)
    path: object = None
    #: private values of the town that may only show to those allowed
    private: tuple[str, ...] = ("registrant", "subscriber", "minutes", "task", "chat", "report")
    #: statuses of an allowed GET (most are 200)
    ok: tuple[int, ...] = (200,)
    languages: bool = True
    note: str = ""
    #: statuses of a refusal
    denied: tuple[int, ...] = (302, 403, 404, 405)


def _town_path(fmt):
    return lambda w: fmt.format(**w)


# Keyed by URL name (namespace:name). ``path`` templates take the town's world (below).
RULES: dict[str, Rule] = {
    # accounts
    "accounts:dashboard": Rule(SIGNED_IN, _town_path("/konto/"), ok=(200,)),
    "accounts:profile": Rule(SIGNED_IN, _town_path("/konto/profil/")),
    "accounts:notifications": Rule(SIGNED_IN, _town_path("/konto/benachrichtigungen/"), private=()),
    "accounts:delete": Rule(SIGNED_IN, _town_path("/konto/loeschen/")),
    "accounts:download_data": Rule(
        SIGNED_IN, _town_path("/konto/meine-daten.json"), private=("registrant", "subscriber")
    ),
    "accounts:download_data_zip": Rule(
        SIGNED_IN, _town_path("/konto/meine-daten.zip"), private=("registrant", "subscriber")
    ),
    # events: organiser tools and the registrant's token links
    "events:registrations": Rule(
        MANAGER, _town_path("/veranstaltungen/{event}/anmeldungen/"), private=("registrant",)
    ),
    "events:registrations_json": Rule(
        MANAGER, _town_path("/veranstaltungen/{event}/anmeldungen.json")
    ),
    "events:export_csv": Rule(
        MANAGER, _town_path("/veranstaltungen/{event}/anmeldungen.csv"), private=("registrant",)
    ),
    "events:export_xlsx": Rule(MANAGER, _town_path("/veranstaltungen/{event}/anmeldungen.xlsx")),
    "events:check_in": Rule(
        POST_ONLY, _town_path("/veranstaltungen/{event}/anmeldungen/checkin/{registration}/")
    ),
    "events:decide": Rule(
        POST_ONLY, _town_path("/veranstaltungen/{event}/anmeldungen/beitrag/{registration}/")
    ),
    "events:ticket_check_in": Rule(
        POST_ONLY, _town_path("/veranstaltungen/{event}/anmeldungen/ticket/")
    ),
    "events:ticket": Rule(
        MANAGER,
        _town_path("/veranstaltungen/{event}/anmeldungen/ticket/{ticket}/"),
        private=("registrant",),
    ),
    "events:challenge": Rule(OPEN, note="the public sign-up form's proof-of-work challenge"),
    "events:cancel_own": Rule(POST_ONLY, _town_path("/veranstaltungen/{event}/absagen/")),
    "events:cancel_mine": Rule(
        POST_ONLY, _town_path("/anmeldungen/00000000-0000-4000-8000-000000000000/absagen/")
    ),
    "events:confirm": Rule(TOKEN, _town_path("/anmeldung/falsch-{slug}/bestaetigen/")),
    "events:cancel": Rule(TOKEN, _town_path("/anmeldung/falsch-{slug}/absagen/")),
    "events:certificate": Rule(TOKEN, _town_path("/anmeldung/falsch-{slug}/bescheinigung.pdf")),
    # public feeds (view restrictions are checked by the privacy tests)
    "events_feed": Rule(OPEN, _town_path("/kalender.ics"), languages=False, ok=(200, 304)),
    "events_feed_action_field": Rule(OPEN, note="public feed"),
    "events_feed_organisation": Rule(OPEN, note="public feed"),
    "events_feed_working_group": Rule(OPEN, note="public feed"),
    "events_event_ics": Rule(OPEN, note="public event file"),
    # chat
    "plugins:chat:rooms": Rule(SIGNED_IN, _town_path("/chat/"), private=("chat",)),
    "plugins:chat:preferences": Rule(POST_ONLY, _town_path("/chat/settings/")),
    "plugins:chat:room": Rule(GROUP, _town_path("/chat/{group_room}/"), private=("chat",)),
    "plugins:chat:post": Rule(POST_ONLY, _town_path("/chat/{group_room}/send/")),
    "plugins:chat:mute": Rule(HOST, _town_path("/chat/{group_room}/mute/")),
    "plugins:chat:report": Rule(
        GROUP, _town_path("/chat/messages/{message}/report/"), private=("chat",)
    ),
    # interpreter pool
    "plugins:interpreters:requests": Rule(NETWORK, _town_path("/dolmetschen/")),
    "plugins:interpreters:request_new": Rule(NETWORK, _town_path("/dolmetschen/anfrage/")),
    "plugins:interpreters:request": Rule(
        NETWORK,
        note="the requester's own and, for the town's managers and named pool coordinators "
        "(test_coordinators.py), all of the town's requests; "
        "404 for other members (tests/plugins/interpreters/test_views.py)",
    ),
    "plugins:interpreters:request_cancel": Rule(
        POST_ONLY, _town_path("/dolmetschen/anfrage/1/absagen/")
    ),
    "plugins:interpreters:coordinators": Rule(MANAGER, _town_path("/dolmetschen/koordination/")),
    "plugins:interpreters:coordinator_remove": Rule(
        POST_ONLY, _town_path("/dolmetschen/koordination/1/entfernen/")
    ),
    "plugins:interpreters:offer": Rule(TOKEN, _town_path("/dolmetschen/angebot/falsch-{slug}/")),
    "plugins:interpreters:assignment_hours": Rule(
        POST_ONLY, _town_path("/dolmetschen/einsaetze/1/stunden/")
    ),
    "plugins:interpreters:directory_choice": Rule(
        POST_ONLY, _town_path("/dolmetschen/einsaetze/verzeichnis/")
    ),
    "plugins:interpreters:request_hours": Rule(
        POST_ONLY, _town_path("/dolmetschen/anfrage/1/stunden/")
    ),
    "plugins:interpreters:statement": Rule(
        SIGNED_IN, note="a mediator's own statement; 404 for everyone else (test_hours.py)"
    ),
    "plugins:interpreters:statement_file": Rule(
        SIGNED_IN, note="a mediator's own statement; 404 for everyone else (test_hours.py)"
    ),
    "plugins:interpreters:mediator_statement": Rule(
        MANAGER,
        note="the town's managers and named pool coordinators only; 404 for others "
        "(test_hours.py, test_coordinators.py)",
    ),
    "plugins:interpreters:mediator_statement_file": Rule(
        MANAGER,
        note="the town's managers and named pool coordinators only; 404 for others "
        "(test_hours.py, test_coordinators.py)",
    ),
    "plugins:interpreters:assignments": Rule(
        SIGNED_IN, note="a mediator's own assignments; 404 for everyone else (test_views.py)"
    ),
    # meetings
    "plugins:meetings:my_tasks": Rule(SIGNED_IN, _town_path("/treffen/aufgaben/"), private=()),
    "plugins:meetings:task_done": Rule(POST_ONLY, _town_path("/treffen/aufgaben/{task}/erledigt/")),
    "plugins:meetings:preferences": Rule(SIGNED_IN, _town_path("/treffen/einstellungen/")),
    "plugins:meetings:feed": Rule(TOKEN, _town_path("/treffen/kalender/falsch-{slug}.ics")),
    "plugins:meetings:date": Rule(
        GROUP, _town_path("/treffen/{series}/{key}/"), private=("minutes", "task"), ok=(200,)
    ),
    "plugins:meetings:date_ics": Rule(
        GROUP, _town_path("/treffen/{series}/{key}/termin.ics"), ok=(200,)
    ),
    "plugins:meetings:extra_date": Rule(HOST, _town_path("/treffen/{series}/zusatztermin/")),
    "plugins:meetings:move": Rule(HOST, _town_path("/treffen/{series}/{key}/verlegen/")),
    "plugins:meetings:rsvp": Rule(POST_ONLY, _town_path("/treffen/{series}/{key}/zusage/")),
    "plugins:meetings:agenda_add": Rule(
        POST_ONLY, _town_path("/treffen/{series}/{key}/tagesordnung/")
    ),
    "plugins:meetings:agenda_move": Rule(POST_ONLY, note="POST only, like agenda_add"),
    "plugins:meetings:agenda_delete": Rule(POST_ONLY, note="POST only, like agenda_add"),
    "plugins:meetings:cancel": Rule(POST_ONLY, _town_path("/treffen/{series}/{key}/absagen/")),
    "plugins:meetings:minutes": Rule(POST_ONLY, _town_path("/treffen/{series}/{key}/protokoll/")),
    "plugins:meetings:attendance": Rule(
        POST_ONLY, _town_path("/treffen/{series}/{key}/anwesenheit/")
    ),
    "plugins:meetings:task_add": Rule(POST_ONLY, _town_path("/treffen/{series}/{key}/aufgaben/")),
    # mentoring: coordinators of a programme are no persona here; every persona against
    # the application and match pages is in tests/plugins/mentoring/test_access.py
    "plugins:mentoring:programmes": Rule(OPEN, note="public list of programmes"),
    "plugins:mentoring:apply": Rule(OPEN, note="public application form"),
    "plugins:mentoring:applied": Rule(OPEN, note="public thank-you page"),
    "plugins:mentoring:apply_for": Rule(
        NETWORK, note="counselling services of the network; tests/plugins/mentoring"
    ),
    "plugins:mentoring:confirm": Rule(
        TOKEN, _town_path("/patenschaften/bewerbung/bestaetigen/falsch-{slug}/")
    ),
    "plugins:mentoring:answer": Rule(TOKEN, _town_path("/patenschaften/antwort/falsch-{slug}/")),
    "plugins:mentoring:my_matches": Rule(SIGNED_IN, _town_path("/patenschaften/meine/")),
    "plugins:mentoring:coordination": Rule(MANAGER, _town_path("/patenschaften/koordination/")),
    "plugins:mentoring:application": Rule(
        MANAGER, note="the programme's coordinators and the town's managers"
    ),
    "plugins:mentoring:match": Rule(
        MANAGER, note="the programme's coordinators and the town's managers"
    ),
    # newsletter (public side)
    "plugins:newsletter:subscribe": Rule(OPEN, note="public form"),
    "plugins:newsletter:subscribed": Rule(OPEN, note="public thank-you page"),
    "plugins:newsletter:confirm": Rule(TOKEN, _town_path("/newsletter/bestaetigen/falsch-{slug}/")),
    "plugins:newsletter:preferences": Rule(
        TOKEN, _town_path("/newsletter/einstellungen/falsch-{slug}/")
    ),
    "plugins:newsletter:unsubscribe": Rule(
        TOKEN, _town_path("/newsletter/abmelden/falsch-{slug}/")
    ),
    # public page routes (sign-up forms, event files, directories, open data, RSS)
    "events.EventPage:signup_route": Rule(OPEN, note="public sign-up form"),
    "events.EventPage:ics_route": Rule(OPEN, note="public event file"),
    "events.EventPage:signup_result_route": Rule(
        TOKEN,
        _town_path("{event_url}anmeldung/ergebnis/{registration_hex}_held-1vQ-falsch{slug}/"),
        note="the page after a sign-up: a signed token, a forged one finds nothing",
    ),
    "events.ConferencePage:signup_result_route": Rule(TOKEN, note="as the event page's"),
    "events.FestivalPage:signup_result_route": Rule(TOKEN, note="as the event page's"),
    "events.ConferencePage:signup_route": Rule(OPEN, note="public sign-up form"),
    "events.ConferencePage:ics_route": Rule(OPEN, note="public event file"),
    "events.FestivalPage:signup_route": Rule(OPEN, note="public sign-up form"),
    "events.FestivalPage:ics_route": Rule(OPEN, note="public event file"),
    "events.FestivalPage:helper_route": Rule(OPEN, note="public helper sign-up"),
    "events.FestivalPage:contribution_route": Rule(OPEN, note="public contribution form"),
    "networks.MeasureIndexPage:measure": Rule(OPEN, note="public measure page"),
    "networks.MeasureIndexPage:csv": Rule(OPEN, note="open data of public measures"),
    "networks.MeasureIndexPage:xlsx": Rule(OPEN, note="open data of public measures"),
    "networks.OrganisationDirectoryPage:organisation": Rule(OPEN, note="public directory"),
    "networks.OrganisationDirectoryPage:vcard": Rule(OPEN, note="public contact card"),
    "newsletter.NewsletterIndexPage:feed": Rule(OPEN, note="public RSS of the archive"),
    "plugins:dummy:hello": Rule(OPEN, note="the test plugin's public page"),
    # working groups (routable page routes)
    "networks.WorkingGroupPage:space": Rule(
        GROUP, _town_path("{group_url}intern/"), private=("member_email",)
    ),
    "networks.WorkingGroupPage:decide": Rule(
        POST_ONLY, _town_path("{group_url}intern/mitglieder/")
    ),
    "networks.WorkingGroupPage:emails": Rule(POST_ONLY, _town_path("{group_url}intern/emails/")),
    "networks.WorkingGroupPage:post": Rule(POST_ONLY, _town_path("{group_url}intern/beitrag/")),
    "networks.WorkingGroupPage:upload": Rule(POST_ONLY, _town_path("{group_url}intern/dokument/")),
    "networks.WorkingGroupPage:join": Rule(POST_ONLY, _town_path("{group_url}beitreten/")),
    "networks.WorkingGroupPage:leave": Rule(POST_ONLY, _town_path("{group_url}verlassen/")),
    # group documents are served through the access check
    "wagtaildocs_serve": Rule(
        GROUP, _town_path("{document_url}"), languages=False, private=("minutes",)
    ),
    # the admin: lists and objects of the town, for its managers
    "networks_report": Rule(
        ADMIN,
        _town_path("/admin/networks/report/?site={site}&start=2020-01-01&end=2030-12-31"),
        languages=False,
        private=("organisation",),
        denied=(302, 400, 403, 404),
    ),
    "networks_answer_join_request": Rule(
        POST_ONLY,
        _town_path("/admin/networks/join-requests/answer/"),
        languages=False,
        note="another town's request is answered as not existing (tests/core/test_workbench.py)",
    ),
    "newsletter_admin:index": Rule(ADMIN, note="lists the manager's towns' issues only"),
    "newsletter_admin:export": Rule(
        ADMIN, _town_path("/admin/newsletter/export/?site={site}"), languages=False
    ),
    "newsletter_admin:import": Rule(ADMIN, note="site choices: the manager's towns"),
    "newsletter_admin:issue": Rule(ADMIN, note="404 for another town's issue"),
    "newsletter_admin:preview": Rule(ADMIN, note="404 for another town's issue"),
    "newsletter_admin:test_send": Rule(POST_ONLY, note="404 for another town's issue"),
    "newsletter_admin:send": Rule(POST_ONLY, note="404 for another town's issue"),
    "newsletter_admin:control": Rule(POST_ONLY, note="404 for another town's mailing"),
    "newsletter_subscribers:edit": Rule(
        ADMIN, _town_path("/admin/newsletter/subscribers/edit/{subscriber}/"), languages=False
    ),
    "chat-rooms:edit": Rule(
        ADMIN, _town_path("/admin/chat/rooms/edit/{group_room}/"), languages=False
    ),
    "chat-reports:inspect": Rule(
        ADMIN, _town_path("/admin/chat/reports/inspect/{report}/"), languages=False
    ),
    "meetings-tasks:edit": Rule(
        ADMIN, _town_path("/admin/meetings-tasks/edit/{task}/"), languages=False
    ),
    "meetings-dates:edit": Rule(
        ADMIN, _town_path("/admin/meetings-dates/edit/{occurrence}/"), languages=False
    ),
    "wagtailsnippets_networks_membership:edit": Rule(
        ADMIN,
        _town_path("/admin/snippets/networks/membership/edit/{membership}/"),
        languages=False,
    ),
    "wagtailsnippets_networks_organisation:edit": Rule(
        ADMIN,
        _town_path("/admin/snippets/networks/organisation/edit/{organisation}/"),
        languages=False,
    ),
    "wagtailadmin_pages:edit": Rule(
        ADMIN, _town_path("/admin/pages/{home}/edit/"), languages=False
    ),
    "wagtailsettings:edit": Rule(
        ADMIN, _town_path("/admin/settings/core/siteconfiguration/{site}/"), languages=False
    ),
}

#: admin lists whose rows must be the manager's towns' only: (path, private kinds)
ADMIN_LISTS = [
    ("/admin/newsletter/subscribers/", ("subscriber",)),
    ("/admin/newsletter/", ("issue",)),
    ("/admin/chat/rooms/", ("room",)),
    ("/admin/chat/reports/", ("report",)),
    ("/admin/meetings-tasks/", ("task",)),
    ("/admin/snippets/networks/membership/", ("member_name",)),
    ("/admin/snippets/networks/organisation/", ("organisation",)),
]

#: URL names that need no rule: public pages and Wagtail's, allauth's own machinery
PUBLIC_NAMES = {
    "set_language",
    "choose_language",
    "sitemap",
    "robots_txt",
    "healthz",
    "readyz",
    "javascript-catalog",
    "search",
    "wagtail_serve",
    "wagtail_serve_action",
    "wagtaildocs_authenticate_with_password",
}
#: namespaces and name prefixes owned by Django apps we do not write (Wagtail's admin is
#: covered by its own permission checks and, for our models, by the rows above)
FOREIGN_PREFIXES = (
    "wagtailadmin",
    "wagtailsnippets",
    "wagtailimages",
    "wagtaildocs",
    "wagtailusers",
    "wagtailsites",
    "wagtailredirects",
    "wagtailsearch",
    "wagtailsettings",
    "wagtail_localize",
    "wagtaillocales",
    "wagtailcore",
    "wagtailembeds",
    "wagtail",
    "account_",
    "mfa_",
    "socialaccount_",
    "usersessions_",
    "headless",
    "anymail",
    "anymail:",
    "generic_chooser",
    "wagtailforms",
    "wagtailpages",
)
#: our own admin URL namespaces: every name in them needs a rule
OWN_ADMIN = (
    "networks_report",
    "newsletter_admin",
    "newsletter_subscribers",
    "newsletter_topics",
    "chat-",
    "meetings-",
    "mentoring_",
    "interpreters-",
    "wagtailsnippets_networks_",
    "wagtailsnippets_events_",
)
#: our admin viewsets' standard views (list, add, edit, delete …) follow one rule per
#: viewset: the SiteScopedViewSetMixin guard, checked through the edit rows above
SCOPED_VIEWSET_NAMES = (
    "newsletter_subscribers",
    "newsletter_topics",
    "chat-rooms",
    "chat-reports",
    "chat-mutes",
    "meetings-dates",
    "meetings-tasks",
    "mentoring_",
    "interpreters-mediators",
    "interpreters-requests",
    "interpreters-assignments",
    "wagtailsnippets_networks_",
    "wagtailsnippets_events_speaker",
)


def _names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


def _routable_names():
    from wagtail.contrib.routable_page.models import RoutablePageMixin
    from wagtail.models import get_page_models

    for model in get_page_models():
        if issubclass(model, RoutablePageMixin):
            for pattern in model.get_subpage_urls():
                if pattern.name and str(pattern.pattern) not in ("", "^$"):
                    yield f"{model._meta.label}:{pattern.name}"


def _needs_rule(name: str) -> bool:
    if name in PUBLIC_NAMES or name in RULES:
        return False
    if name.startswith(OWN_ADMIN):
        return not name.startswith(SCOPED_VIEWSET_NAMES)
    return not name.startswith(FOREIGN_PREFIXES)


def test_every_url_has_a_rule():
    """A URL pattern of our apps without a row in RULES (or a public mark) fails here."""
    names = {name for name, _route in _names()}
    names |= set(_routable_names())
    missing = sorted(n for n in names if _needs_rule(n))
    assert not missing, f"URL patterns without an access rule in RULES: {missing}"
    unknown = sorted(n for n in RULES if n not in names and "." not in n.split(":")[0])
    assert not unknown, f"rules for URL names that no longer exist: {unknown}"


def test_every_websocket_route_checks_access():
    """The websocket routes are few: each has an access test (the chat's, below)."""
    from treffpunkt.plugins.routing import websocket_urlpatterns

    routes = set()
    for outer in websocket_urlpatterns():
        for inner in outer.callback.inner.routes:
            # converters do not change who may connect: <int:room_id> is <id:room_id>
            routes.add(re.sub(r"<\w+:", "<", str(outer.pattern) + str(inner.pattern)))
    missing = routes - set(WEBSOCKET_ROUTES)
    assert not missing, f"websocket routes without an access test: {missing}"


#: each websocket route and the test that checks who may connect
WEBSOCKET_ROUTES = {
    "ws/chat/rooms/<room_id>/": "test_chat_websocket_per_town",
    "ws/dummy/echo/": "the test plugin's echo: no private data",
}


# --- the world ---------------------------------------------------------------------------


@dataclass
class World:
    towns: dict[int, dict] = field(default_factory=dict)
    people: dict[str, object] = field(default_factory=dict)


def _build_town(site, number: int) -> dict:
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from events.models import EventIndexPage, EventPage, Registration
    from networks.models import (
        Membership,
        NetworkPage,
        Organisation,
        WorkingGroupIndexPage,
        WorkingGroupPage,
    )
    from plugins.chat.models import Message, Report, Room
    from plugins.meetings.models import (
        MeetingIndexPage,
        MeetingSeriesPage,
        Occurrence,
        Task,
        Visibility,
    )
    from plugins.newsletter.models import Subscriber
    from tests.plugins.meetings.conftest import weekly

    host, slug, town = TOWNS[number]
    home = site.root_page.specific

    def publish(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        return type(page).objects.get(pk=page.pk)

    network = publish(home, NetworkPage(title=f"Netzwerk {town}", slug="netzwerk"))
    index = publish(network, WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen"))
    group = publish(
        index, WorkingGroupPage(title=f"AG {town}", slug=f"ag-{slug}", purpose="Zusammenleben")
    )
    calendar = publish(home, EventIndexPage(title="Veranstaltungen", slug="veranstaltungen"))
    start = timezone.now() + dt.timedelta(days=10)
    event = publish(
        calendar,
        EventPage(
            title=f"Fest {town}",
            slug=f"fest-{slug}",
            start=start,
            end=start + dt.timedelta(hours=3),
            registration_enabled=True,
        ),
    )
    registration = Registration.objects.create(
        event=event,
        kind="participant",
        status="confirmed",
        name=f"Anmelderin {town}",
        email=f"anmelderin.{slug}@example.net",
        email_confirmed=True,
    )
    meetings = publish(home, MeetingIndexPage(title="Treffen", slug="treffen-seite"))
    first = timezone.localdate() + dt.timedelta(days=7)
    series = publish(
        meetings,
        MeetingSeriesPage(
            title=f"AG-Treffen {town}",
            slug=f"ag-treffen-{slug}",
            first_date=first,
            start_time=dt.time(17),
            end_time=dt.time(19),
            recurrence=weekly(),
            location="Rathaus",
            visibility=Visibility.GROUP,
            working_group=group,
        ),
    )
    from plugins.meetings import schedule

    occurrence = Occurrence.objects.create(
        series=series,
        original_start=dt.datetime.combine(first, dt.time(17), tzinfo=schedule.TZ),
        minutes=f"<p>Protokollgeheimnis {town}</p>",
        minutes_published_at=timezone.now(),
    )
    rooms = {
        "network": Room.objects.create(site=site, kind=Room.Kind.NETWORK, title=f"Netz {town}"),
        "group": Room.objects.create(
            site=site, kind=Room.Kind.WORKING_GROUP, page=group, title=f"Raum AG {town}"
        ),
    }
    return {
        "site": site,
        "host": host,
        "slug": slug,
        "town": town,
        "home": home,
        "group": group,
        "event": event,
        "registration": registration,
        "series": series,
        "occurrence": occurrence,
        "rooms": rooms,
        "Membership": Membership,
        "Organisation": Organisation,
        "Subscriber": Subscriber,
        "Message": Message,
        "Report": Report,
        "Task": Task,
        "Document": get_document_model(),
        "ContentFile": ContentFile,
    }


def _private_values(town: dict) -> dict[str, str]:
    name, slug = town["town"], town["slug"]
    return {
        "registrant": f"anmelderin.{slug}@example.net",
        "subscriber": f"leserin.{slug}@example.net",
        "minutes": f"Protokollgeheimnis {name}",
        "task": f"Aufgabengeheimnis {name}",
        "chat": f"Chatgeheimnis {name}",
        "report": f"Meldegrund {name}",
        "member_email": f"ag.{slug}@example.org",
        "member_name": f"Mitglied{name}",
        "organisation": f"Verein {name}",
        "issue": f"Rundbrief {name}",
        "room": f"Raum AG {name}",
    }


def _login(client, user) -> None:
    """Sign in the way a real login leaves the session: the password and, for staff, the
    second factor recorded by allauth (a TOTP authenticator exists)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    from treffpunkt.accounts.mfa import needs_second_factor

    client.force_login(user)
    if needs_second_factor(user):  # managers, superusers, coordinators of a chat room
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
        session = client.session
        now = time.time()
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "id": 1, "type": "totp"},
        ]
        session.save()


@pytest.fixture
def world(make_user, settings):
    from wagtail.models import Locale, Site

    from networks.models import Membership
    from plugins.meetings.models import Task
    from plugins.newsletter.models import NewsletterIndexPage, NewsletterPage, Subscriber
    from tests.conftest import ensure_wagtail_roots
    from treffpunkt.accounts.roles import make_manager, make_network_member

    settings.WAGTAILDOCS_SERVE_METHOD = "serve_view"
    for code in ["de", "ar"]:
        Locale.objects.get_or_create(language_code=code)
    ensure_wagtail_roots()
    Site.objects.all().delete()
    sites = {
        1: make_site("beckum.test", "Beckum", default=True),
        2: make_site("borken.test", "Borken", theme="borken"),
    }
    w = World()
    p = w.people
    p["anonymous"] = None
    p["outsider"] = make_user("outsider@example.org", first_name="Otto", last_name="Außen")
    p["network_member"] = make_user("netz@example.org", first_name="Nora", last_name="Netz")
    p["group_member"] = make_user(
        "ag.beckum@example.org", first_name="Amal", last_name="MitgliedBeckum"
    )
    p["coordinator"] = make_user("koord@example.org", first_name="Petra", last_name="W")
    p["manager_1"] = make_user("integration@beckum.example", first_name="Miriam", last_name="A")
    p["manager_2"] = make_user("integration@borken.example", first_name="Jonas", last_name="H")
    p["superuser"] = make_user("admin@example.org", is_staff=True, is_superuser=True)
    for key in ("network_member", "group_member", "coordinator"):
        make_network_member(p[key], sites[1])
    make_manager(p["manager_1"], sites[1])
    make_manager(p["manager_2"], sites[2])
    borken_member = make_user("ag.borken@example.org", first_name="Bea", last_name="MitgliedBorken")
    borken_coordinator = make_user("koord.borken@example.org", first_name="Ben", last_name="K")
    for person in (borken_member, borken_coordinator):
        make_network_member(person, sites[2])

    for number, site in sites.items():
        t = _build_town(site, number)
        values = _private_values(t)
        member = p["group_member"] if number == 1 else borken_member
        Membership.objects.create(
            working_group=t["group"], user=member, status=Membership.Status.ACTIVE
        )
        t["membership"] = Membership.objects.create(
            working_group=t["group"],
            user=p["coordinator"] if number == 1 else borken_coordinator,
            role=Membership.Role.COORDINATOR,
            status=Membership.Status.ACTIVE,
        )
        t["organisation"] = t["Organisation"].objects.create(
            site=site, name=values["organisation"], slug=f"verein-{t['slug']}"
        )
        t["subscriber"] = Subscriber.objects.create(
            site=site, email=values["subscriber"], status=Subscriber.Status.CONFIRMED
        )
        t["task"] = Task.objects.create(
            occurrence=t["occurrence"], title=values["task"], owner=member
        )
        message = t["Message"].objects.create(
            room=t["rooms"]["group"], author=member, text=values["chat"], html=values["chat"]
        )
        t["message"] = message
        t["report"] = t["Report"].objects.create(
            message=message, reporter=member, reason=values["report"]
        )
        archive = NewsletterIndexPage(title="Newsletter", slug="newsletter-archiv")
        t["home"].add_child(instance=archive)
        issue = NewsletterPage(title=values["issue"], slug=f"rundbrief-{t['slug']}")
        archive.add_child(instance=issue)
        t["issue"] = issue
        document = t["Document"](title=f"Protokoll {t['town']}", collection=t["group"].collection)
        document.file.save(
            f"protokoll-{t['slug']}.txt", t["ContentFile"](values["minutes"].encode()), save=True
        )
        t["document"] = document
        t["values"] = values
        t["paths"] = {
            "event": t["event"].pk,
            "registration": t["registration"].public_id,
            "registration_hex": t["registration"].public_id.hex,
            "event_url": t["event"].url_path.replace(t["home"].url_path, "/", 1),
            "ticket": t["registration"].ticket,
            "slug": t["slug"],
            "group_room": t["rooms"]["group"].pk,
            "message": message.pk,
            "task": t["task"].pk,
            "series": t["series"].pk,
            "key": t["series"].first_date.isoformat(),
            "group_url": t["group"].url_path.replace(t["home"].url_path, "/", 1),
            "document_url": document.url,
            "site": site.pk,
            "subscriber": t["subscriber"].pk,
            "report": t["report"].pk,
            "occurrence": t["occurrence"].pk,
            "membership": t["membership"].pk,
            "organisation": t["organisation"].pk,
            "home": t["home"].pk,
        }
        w.towns[number] = t
    return w


def _get(client, path: str, host: str):
    return client.get(path, HTTP_HOST=host, secure=False)


def _check_cell(client_class, w: World, name: str, rule: Rule, persona: str, number: int):
    town = w.towns[number]
    if rule.path is None:
        return None
    base = rule.path(town["paths"])
    prefixes = LANGUAGES if rule.languages else [""]
    problems = []
    for prefix in prefixes:
        path = prefix + base
        client = client_class()
        if w.people[persona] is not None:
            _login(client, w.people[persona])
        response = _get(client, path, town["host"])
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", "replace")
        status = response.status_code
        cell = f"{name} {persona} town {number} {path} -> {status}"
        if status >= 500:
            problems.append(f"{cell}: server error")
            continue
        if rule.kind == POST_ONLY:
            if status not in (302, 403, 404, 405):
                problems.append(f"{cell}: a GET of a state-changing URL answered {status}")
            continue
        if rule.kind == TOKEN:
            if status not in (400, 404):
                problems.append(f"{cell}: a wrong token must find nothing")
            continue
        may = allowed(rule.kind, persona, number)
        if may and status not in rule.ok:
            problems.append(f"{cell}: expected {rule.ok}")
        if not may:
            if status not in rule.denied:
                problems.append(f"{cell}: expected a refusal {rule.denied}")
            for kind in rule.private:
                value = town["values"].get(kind)
                if value and value in body:
                    problems.append(f"{cell}: private {kind} {value!r} in the body")
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, world, persona, settings):
    """Every private URL with a path in RULES, for one persona, in both towns and both
    languages (German without prefix, Arabic under /ar/)."""
    problems = []
    for number in TOWNS:
        for name, rule in RULES.items():
            problems += _check_cell(type(client), world, name, rule, persona, number) or []
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", ["manager_1", "manager_2", "superuser"])
def test_admin_lists_show_only_own_towns(client, world, persona):
    """Every scoped admin list: a manager sees their own town's rows and none of the other
    town's (superusers see both)."""
    _login(client, world.people[persona])
    problems = []
    for path, kinds in ADMIN_LISTS:
        response = _get(client, path, "beckum.test")
        body = response.content.decode()
        if response.status_code != 200:
            problems.append(f"{persona} {path}: {response.status_code}")
            continue
        for number, town in world.towns.items():
            expected = persona == "superuser" or persona == f"manager_{number}"
            for kind in kinds:
                value = town["values"][kind]
                if (value in body) != expected:
                    seen = "shows" if value in body else "misses"
                    problems.append(f"{persona} {path} {seen} town {number}'s {kind} {value!r}")
    assert not problems, "\n".join(problems)


def test_report_offers_only_own_towns(client, world):
    """The committee report's site choice lists the manager's town only; asking for the
    other town is refused (400, no data)."""
    _login(client, world.people["manager_1"])
    page = _get(client, "/admin/networks/report/", "beckum.test").content.decode()
    assert "Beckum" in page
    assert f'value="{world.towns[2]["site"].pk}"' not in page
    other = _get(
        client,
        f"/admin/networks/report/?site={world.towns[2]['site'].pk}&start=2020-01-01&end=2030-12-31",
        "beckum.test",
    )
    assert other.status_code == 400
    assert "Verein Borken" not in other.content.decode()


def test_newsletter_desk_is_per_town(client, world):
    """Issues, previews, exports and imports of the other town answer 404 / are not offered."""
    from django.urls import reverse

    _login(client, world.people["manager_2"])
    beckum_issue = world.towns[1]["issue"]
    borken_issue = world.towns[2]["issue"]
    for name in ("newsletter_admin:issue",):
        assert _get(client, reverse(name, args=[beckum_issue.pk]), "borken.test").status_code == 404
        assert _get(client, reverse(name, args=[borken_issue.pk]), "borken.test").status_code == 200
    preview = reverse("newsletter_admin:preview", args=[beckum_issue.pk, "de"])
    assert _get(client, preview, "borken.test").status_code == 404
    send = client.post(
        reverse("newsletter_admin:send", args=[beckum_issue.pk]),
        {"when": "now"},
        HTTP_HOST="borken.test",
    )
    assert send.status_code == 404
    export = _get(client, "/admin/newsletter/export/", "beckum.test")
    assert export.status_code == 200
    assert "leserin.borken@example.net" in export.content.decode()
    assert "leserin.beckum@example.net" not in export.content.decode()
    form = _get(client, "/admin/newsletter/import/", "beckum.test").content.decode()
    assert "Borken" in form and f'value="{world.towns[1]["site"].pk}"' not in form


def test_chat_websocket_per_town(world):
    """The websocket route: the manager of town 2 cannot open town 1's group room, the
    group's member can (the consumer asks the same access rule)."""
    from plugins.chat.access import can_access, can_moderate

    room = world.towns[1]["rooms"]["group"]
    people = world.people
    assert can_access(people["group_member"], room)
    assert can_access(people["manager_1"], room) and can_moderate(people["manager_1"], room)
    assert not can_access(people["manager_2"], room)
    assert not can_access(people["network_member"], room)
    network_room = world.towns[2]["rooms"]["network"]
    assert not can_access(people["manager_1"], network_room)
    assert can_access(people["manager_2"], network_room)


def test_personal_feed_of_other_town_manager_holds_no_group_meetings(client, world):
    """Borken's manager's personal feed, fetched on Beckum's host, holds none of Beckum's
    group-only meetings."""
    from plugins.meetings.models import FeedToken

    token = FeedToken.objects.create(user=world.people["manager_2"])
    response = _get(client, f"/treffen/kalender/{token.token}.ics", "beckum.test")
    assert response.status_code == 200
    assert "AG-Treffen Beckum" not in response.content.decode()
    own = FeedToken.objects.create(user=world.people["manager_1"])
    response = _get(client, f"/treffen/kalender/{own.token}.ics", "beckum.test")
    assert "AG-Treffen Beckum" in response.content.decode()


def test_registrations_url_names_exist():
    # the table's paths are the URL conf's: spot-check that they reverse the same way
    assert reverse("events:registrations", args=[1]) == "/veranstaltungen/1/anmeldungen/"
    assert reverse("plugins:chat:room", args=[1]) == "/chat/1/"
