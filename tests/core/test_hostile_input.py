"""Bad input never gives a 500: hostile values in every URL pattern and websocket field.

The URL patterns are read from the resolver, so a view added tomorrow is fed the same
values without anyone writing a test for it. Each parameter of each pattern gets every
hostile value while the pattern's other parameters name real objects (a real meeting series
with an impossible date, a real room with an impossible message id), once as an anonymous
visitor and once as a superuser, by GET and by POST; every page of the test site is asked
for with hostile sub-paths and query strings too.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

HOSTILE = [
    "99999999999999999999999",  # OverflowError on SQLite, out of range on PostgreSQL
    "2147483648",  # one past PostgreSQL's integer
    "-1",
    "9999-12-31",  # no day after it in Python
    "0001-01-01",  # no day before it
    "2026-02-30",
    "²",  # a digit to str.isdigit(), not to int()
    "١٢٣",  # Arabic-Indic digits
    '"',  # FTS syntax
    "a>b~c*",
    "%00",  # a NUL byte (PostgreSQL refuses it in text)
    "x" * 600,
]
#: query-string parameters the views read; each gets the hostile values
QUERY_KEYS = [
    "page",
    "p",
    "seite",
    "before",
    "after",
    "q",
    "site",
    "monat",
    "start",
    "end",
    "action_field",
    "kind",
    "language",
    "next",
]


def _quoted(value: str) -> str:
    return value if value == "%00" else quote(value, safe="")


def _walk(patterns, prefix=(), with_entry=False):
    for entry in patterns:
        parts = (*prefix, entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, parts, with_entry)
        elif isinstance(entry, URLPattern):
            yield (parts, entry) if with_entry else parts


_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def _template(parts) -> tuple[str, list[str]] | None:
    """A pattern's path with ``{name}`` placeholders, or None when it is not a plain path."""
    text, names = "", []
    for part in parts:
        if isinstance(part, LocalePrefixPattern):
            continue  # the default language has no prefix
        if isinstance(part, RoutePattern):
            route = str(part._route)
            names += re.findall(r"<(?:\w+:)?(\w+)>", route)
            text += re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        elif isinstance(part, RegexPattern):
            regex = part._regex
            names += _GROUP.findall(regex)
            regex = _GROUP.sub(lambda m: "{" + m.group(1) + "}", regex)
            regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
            regex = regex.replace("\\.", ".").replace("\\-", "-").replace("\\/", "/")
            if re.search(r"[\\()\[\]?*+|^$]", regex):
                return None
            text += regex
        else:
            return None
    return "/" + text, names


OURS = ("events.", "networks.", "plugins.", "treffpunkt.")
THIRD_PARTY = (
    "/admin/pages",
    "/admin/images",
    "/admin/documents",
    "/admin/users",
    "/admin/snippets",
)
#: one value of each kind for the patterns of Wagtail and allauth (tested for their own part)
FEW = ["99999999999999999999999", "%00", "x" * 600]


def url_templates() -> list[tuple[str, list[str], bool]]:
    """(path with {placeholders}, parameter names, whether the view is this project's)."""
    found = {}
    for parts, entry in _walk(get_resolver().url_patterns, with_entry=True):
        result = _template(parts)
        if result is not None:
            module = getattr(entry.callback, "__module__", "") or ""
            found[result[0]] = (*result, module.startswith(OURS))
    return sorted(found.values())


@pytest.fixture
def world(site, staff, make_user, settings):
    """Real objects for the parameters that are not under attack."""
    from events.models import EventIndexPage, EventPage
    from events.registrations import sign_up
    from plugins.chat.models import Message, Room
    from plugins.meetings.models import MeetingIndexPage, MeetingSeriesPage, Visibility
    from tests.plugins.meetings.conftest import second_tuesday
    from treffpunkt.accounts.roles import make_network_member

    settings.EVENTS_SIGNUP_RATE_IP = settings.EVENTS_SIGNUP_RATE_EMAIL = (10_000, 3600)
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False  # the views behind the second factor too
    make_network_member(staff, site)
    index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site.root_page.add_child(instance=index)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    event = EventPage(
        title="Sprachcafé",
        slug="sprachcafe",
        start=start,
        end=start + dt.timedelta(hours=2),
        registration_enabled=True,
        capacity=10,
    )
    index.add_child(instance=event)
    registration = sign_up(event, email="guest@example.org", name="Gast")
    meetings = MeetingIndexPage(title="Treffen", slug="treffen-seite")
    site.root_page.add_child(instance=meetings)
    series = MeetingSeriesPage(
        title="Netzwerktreffen",
        slug="netzwerktreffen",
        first_date=dt.date(2026, 1, 1),
        start_time=dt.time(17),
        end_time=dt.time(19),
        recurrence=second_tuesday(),
        location="Rathaus",
        visibility=Visibility.NETWORK,
    )
    meetings.add_child(instance=series)
    room = Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk")
    message = Message.objects.create(room=room, author=staff, text="Hallo", html="Hallo")
    real = {
        "pk": event.pk,
        "page_id": event.pk,
        "series_id": series.pk,
        "key": "2026-01-13",
        "room_id": room.pk,
        "message_id": message.pk,
        "token": registration.token,
        "code": registration.token,
    }
    return {"real": real, "pages": [site.root_page, index, event, meetings, series]}


#: the values also sent by POST (a POST runs the same lookups, and the form code after them)
POSTED = {"99999999999999999999999", "%00", "9999-12-31", "²"}


def _urls(world, admin=True):
    """(method, url): every hostile value in each parameter of this project's views; one
    value of FEW per parameter of the third-party views (Wagtail, allauth)."""
    real = world["real"]
    n = 0
    for template, names, ours in url_templates():
        if not names or (not admin and template.startswith("/admin/")):
            continue
        for attacked in names:
            n += 1
            for value in HOSTILE if ours else [FEW[n % len(FEW)]]:
                values = {name: str(real.get(name, "1")) for name in names}
                values[attacked] = _quoted(value)
                url = template.format(**values)
                yield "get", url
                if ours and value in POSTED:
                    yield "post", url


def _assert_no_5xx(client, requests) -> int:
    failures, count = [], 0
    client.raise_request_exception = False  # a 500 is counted, not raised
    for method, url in requests:
        response = getattr(client, method)(url, HTTP_HOST="beckum.test")
        count += 1
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:120]} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    return count


def test_the_walk_sees_the_app_patterns():
    """The generator reaches the patterns that matter (else the tests below prove nothing)."""
    templates = {t for t, _names, _ours in url_templates()}
    for expected in (
        "/kalender/veranstaltung/{pk}.ics",
        "/veranstaltungen/{page_id}/anmeldungen.csv",
        "/chat/{room_id}/",
        "/treffen/{series_id}/{key}/",
        "/anmeldung/{token}/bestaetigen/",
        "/newsletter/bestaetigen/{code}/",
    ):
        assert expected in templates, expected
    assert len(templates) > 150  # the Wagtail admin and allauth are walked too


def test_no_url_pattern_of_ours_uses_the_unbounded_int_converter():
    """``<int:>`` passes 10^30 to the database (a 500 on SQLite); ours use ``<id:>``."""
    from django.urls.converters import IntConverter

    from treffpunkt.plugins.routing import websocket_urlpatterns

    ours = ("events.", "networks.", "plugins.", "treffpunkt.")
    offenders = []
    for patterns in (get_resolver().url_patterns, websocket_urlpatterns()):
        for parts, entry in _walk(patterns, with_entry=True):
            callback = getattr(entry.callback, "__module__", "") or ""
            unbounded = [
                name
                for part in parts
                for name, converter in getattr(part, "converters", {}).items()
                if type(converter) is IntConverter
            ]
            if unbounded and callback.startswith(ours):
                offenders.append(f"{callback}: {unbounded}")
    assert not offenders


@pytest.mark.django_db
def test_hostile_path_values_anonymous(client, world):
    # the admin only redirects anonymous visitors to the login
    assert _assert_no_5xx(client, _urls(world, admin=False)) > 500


@pytest.mark.django_db
def test_hostile_path_values_superuser(client, world, staff):
    client.force_login(staff)
    assert _assert_no_5xx(client, _urls(world)) > 700


def _query_urls(world, hostile=("99999999999999999999999", "²", "%00", '"', "9999-12-31")):
    real = world["real"]
    targets = [
        template.format(**{name: str(real.get(name, "1")) for name in names})
        for template, names, ours in url_templates()
        if ours or template.startswith("/admin/newsletter")
    ]
    targets += [page.url for page in world["pages"]]
    for value in hostile:
        query = "&".join(f"{key}={_quoted(value)}" for key in QUERY_KEYS)
        for target in targets:
            yield "get", f"{target}?{query}&ansicht=monat&vergangen=1"


@pytest.mark.django_db
def test_hostile_query_strings(client, world, staff):
    client.force_login(staff)
    assert _assert_no_5xx(client, _query_urls(world)) > 200


@pytest.mark.django_db
def test_hostile_sub_paths_of_every_page(client, world, staff):
    """Routable pages (events, organisations, measures, newsletter) under hostile routes."""
    urls = [
        ("get", f"{page.url}{_quoted(value)}/{suffix}")
        for page in world["pages"]
        for value in HOSTILE
        for suffix in ("", "vcard/")
    ]
    _assert_no_5xx(client, urls)
    client.force_login(staff)
    _assert_no_5xx(client, urls)


@pytest.mark.django_db
def test_search_accepts_any_text(client, site):
    for text in ['"', '"unterminated', "a > b", "~x", "NEAR(a b)", "a*", "-x", "*", "' OR 1=1"]:
        response = client.get("/suche/", {"q": text}, HTTP_HOST="beckum.test")
        assert response.status_code == 200, text


@pytest.mark.django_db
def test_the_ids_that_overflowed_answer_404(client, world, staff):
    big = "99999999999999999999999"
    client.force_login(staff)
    real = world["real"]
    for url in (
        f"/kalender/veranstaltung/{big}.ics",
        f"/kalender/arbeitsgruppe/{big}.ics",
        f"/veranstaltungen/{big}/anmeldungen/",
        f"/veranstaltungen/{big}/anmeldungen.csv",
        f"/chat/{big}/",
        f"/treffen/{big}/2026-01-13/",
        f"/treffen/{real['series_id']}/9999-12-31/",
        f"/treffen/{real['series_id']}/0001-01-01/",
        f"/admin/newsletter/issue/{big}/",
    ):
        assert client.get(url, HTTP_HOST="beckum.test").status_code == 404, url
    response = client.get(f"/chat/{real['room_id']}/?before=²", HTTP_HOST="beckum.test")
    assert response.status_code == 200
    assert client.get("/admin/newsletter/export/?site=abc").status_code == 404
