"""The plugin per site: switched off, its pages, URLs, feed entries and admin items go."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.models import Locale

from plugins.meetings import access, schedule
from plugins.meetings.models import FeedToken, MeetingIndexPage, MeetingSeriesPage, Visibility
from treffpunkt.accounts import roles
from treffpunkt.calendar.signals import calendar_entries, ical_components
from treffpunkt.plugins.models import PluginSettings

from .conftest import weekly

pytestmark = pytest.mark.django_db
TZ = schedule.TZ


@pytest.fixture
def two_sites(site, other_site, make_series):
    beckum = make_series(
        title="Sprachcafé Beckum", visibility=Visibility.PUBLIC, recurrence=weekly()
    )
    index = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=index)
    borken = MeetingSeriesPage(
        title="Erfahrungsaustausch Borken",
        slug="erfahrungsaustausch",
        first_date=dt.date(2026, 1, 1),
        start_time=dt.time(18),
        end_time=dt.time(20),
        recurrence=weekly(),
        visibility=Visibility.PUBLIC,
    )
    index.add_child(instance=borken)
    borken.save_revision().publish()
    PluginSettings.set_enabled(other_site, "meetings", False)
    return beckum, borken


def test_disabled_site_loses_pages_urls_feeds_and_admin_items(
    client, two_sites, site, other_site, staff, settings
):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    beckum, borken = two_sites
    client.force_login(staff)
    # pages
    assert client.get(beckum.url, HTTP_HOST="beckum.test").status_code == 200
    assert client.get(borken.url, HTTP_HOST="borken.test").status_code == 404
    # plugin URLs
    token = FeedToken.for_user(staff).token
    feed = reverse("plugins:meetings:feed", args=[token])
    assert client.get(feed, HTTP_HOST="beckum.test").status_code == 200
    assert client.get(feed, HTTP_HOST="borken.test").status_code == 404
    tasks = reverse("plugins:meetings:my_tasks")
    assert client.get(tasks, HTTP_HOST="borken.test").status_code == 404
    # calendar entries and feed components
    start, end = dt.datetime(2027, 1, 1, tzinfo=TZ), dt.datetime(2027, 2, 1, tzinfo=TZ)
    for s, expected in [(site, True), (other_site, False)]:
        entries = calendar_entries.collect(
            s, start=start, end=end, user=AnonymousUser(), filters={}
        )
        assert bool(entries) is expected
        assert bool(ical_components.collect(s, user=None, filters={})) is expected
    # admin menu
    on = client.get("/admin/", HTTP_HOST="beckum.test").content.decode()
    off = client.get("/admin/", HTTP_HOST="borken.test").content.decode()
    assert '"/admin/meetings-dates/"' in on
    assert '"/admin/meetings-dates/"' not in off
    # page types cannot be created there
    assert MeetingIndexPage.can_create_at(site.root_page)
    assert not MeetingIndexPage.can_create_at(other_site.root_page)


def test_dashboard_panel_only_where_enabled(client, make_series, people, site, other_site):
    series = make_series(title="Netzwerktreffen", first_date=dt.date(2026, 1, 1))
    from plugins.meetings import services

    key = schedule.expand(
        series, dt.datetime(2027, 1, 1, tzinfo=TZ), dt.datetime(2027, 3, 1, tzinfo=TZ)
    )[0].key
    services.add_task(
        series, "2026-11-10", people["manager"], "Einladung verschicken", people["member"].pk, None
    )
    client.force_login(people["member"])
    page = client.get(reverse("accounts:dashboard"), HTTP_HOST="beckum.test").content.decode()
    assert "Einladung verschicken" in page
    assert series.title in page
    assert key  # the series has dates ahead
    PluginSettings.set_enabled(site, "meetings", False)
    page = client.get(reverse("accounts:dashboard"), HTTP_HOST="beckum.test").content.decode()
    assert "Einladung verschicken" not in page


def test_admin_pages_load(client, make_series, people, settings):
    from plugins.meetings import services

    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    staff = people["staff"]
    series = make_series()
    services.cancel_date(series, "2027-02-09", staff)
    client.force_login(staff)
    edit = client.get(f"/admin/pages/{series.pk}/edit/", HTTP_HOST="beckum.test")
    assert edit.status_code == 200
    listing = client.get("/admin/meetings-dates/", HTTP_HOST="beckum.test")
    assert listing.status_code == 200
    assert "Netzwerktreffen" in listing.content.decode()


def test_series_created_in_the_admin_and_bad_rule_refused(client, meeting_index, people, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(people["staff"])
    url = f"/admin/pages/add/meetings/meetingseriespage/{meeting_index.pk}/"
    data = {
        "title": "Sprachcafé",
        "slug": "sprachcafe",
        "first_date": "2027-01-07",
        "start_time": "18:00",
        "end_time": "19:30",
        "recurrence": "RRULE:FREQ=WEEKLY;BYDAY=TH",
        "location": "Stadtbücherei",
        "online_url": "",
        "description": '{"blocks": [], "entityMap": {}}',
        "visibility": "public",
        "working_group": "",
        "action-publish": "publish",
    }
    bad = client.post(url, {**data, "end_time": "17:00"}, HTTP_HOST="beckum.test")
    assert bad.status_code == 200
    assert not MeetingSeriesPage.objects.filter(slug="sprachcafe").exists()
    bad = client.post(
        url,
        {**data, "recurrence": "RRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31"},
        HTTP_HOST="beckum.test",
    )
    assert bad.status_code == 200
    assert not MeetingSeriesPage.objects.filter(slug="sprachcafe").exists()
    good = client.post(url, data, HTTP_HOST="beckum.test")
    assert good.status_code == 302, good.content.decode()[:2000]
    series = MeetingSeriesPage.objects.get(slug="sprachcafe")
    assert series.live
    dates = schedule.expand(
        series, dt.datetime(2027, 1, 1, tzinfo=TZ), dt.datetime(2027, 2, 1, tzinfo=TZ)
    )
    assert [d.local_start.day for d in dates] == [7, 14, 21, 28]


def test_an_alias_of_another_towns_series_is_listed_as_its_page_shows_it(
    site, other_site, make_series, make_user
):
    """An alias of Beckum's series placed in Borken's tree is that series: Beckum's network
    decides who sees it. Borken's manager and network members do not get a Beckum network
    series listed whose page would refuse them; an alias of a public series is listed."""
    from django.contrib.auth.models import AnonymousUser

    from plugins.meetings import access
    from treffpunkt.accounts import roles

    internal = make_series(title="Netzwerktreffen Beckum", visibility=Visibility.NETWORK)
    public = make_series(title="Sprachcafé Beckum", visibility=Visibility.PUBLIC)
    index = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=index)
    for original in (internal, public):
        original.create_alias(parent=index, update_slug=original.slug + "-borken")
    borken_manager = make_user("integration@borken.example")
    roles.make_manager(borken_manager, other_site)
    borken_member = make_user("netz@borken.example")
    roles.make_network_member(borken_member, other_site)

    for person in (borken_manager, borken_member, AnonymousUser()):
        listed = {page.title for page in access.visible_series(other_site, person)}
        assert listed == {"Sprachcafé Beckum"}, person
        for alias in MeetingSeriesPage.objects.child_of(index):
            assert access.can_view(alias, person) == (alias.title in listed)


def _mismatches(site, people, pages, parent=None):
    """Where the list and the page disagree: (who, title, language, the page, the list)."""
    out = []
    for name, person in people.items():
        listed = {p.pk for p in access.visible_series(site, person, parent=parent)}
        for page in pages:
            page = MeetingSeriesPage.objects.get(pk=page.pk)
            if access.can_view(page, person) != (page.pk in listed):
                out.append(
                    (
                        name,
                        page.title,
                        page.locale.language_code,
                        "page shows" if access.can_view(page, person) else "page refuses",
                        "listed" if page.pk in listed else "not listed",
                    )
                )
    return out


def test_alias_of_an_english_translation_in_beckums_own_english_tree(
    site, make_series, people, meeting_index
):
    """Beckum's network series, translated to English; an English alias of the English page
    placed in a second English index of Beckum (alias_of: the English page, which is not
    under site.root_page: Wagtail's in_site is descendant_of(root_page))."""
    series = make_series(title="Netzwerktreffen", visibility=Visibility.NETWORK)
    en = Locale.objects.get_or_create(language_code="en")[0]
    english = series.copy_for_translation(en, copy_parents=True)
    english.title = "Network meeting"
    english.save_revision().publish()
    english = MeetingSeriesPage.objects.get(pk=english.pk)
    en_home = english.get_parent().get_parent()
    second = MeetingIndexPage(title="More meetings", slug="more-meetings", locale=en)
    en_home.add_child(instance=second)
    alias = english.create_alias(parent=second, update_slug="network-meeting-2")
    assert alias.alias_of_id == english.pk
    who = {k: people[k] for k in ("manager", "network_member", "member", "staff")}
    assert _mismatches(site, who, [alias], parent=second) == []


def test_group_series_of_beckum_aliased_into_borken(site, other_site, make_series, people, group):
    series = make_series(title="AG-Treffen", visibility=Visibility.GROUP, working_group=group)
    index = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=index)
    alias = series.create_alias(parent=index, update_slug="ag-treffen-borken")
    who = {k: people[k] for k in ("member", "coordinator", "manager", "staff")}
    assert _mismatches(other_site, who, [alias]) == []


def test_borkens_english_alias_of_its_alias_of_a_beckum_network_series(
    site, other_site, make_series, make_user
):
    """Borken's English tree synchronised (wagtail-localize: an alias of each German page,
    alias_of the Borken page): its alias of Beckum's network series is an alias of an alias."""
    internal = make_series(title="Netzwerktreffen Beckum", visibility=Visibility.NETWORK)
    index = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=index)
    borken_alias = internal.create_alias(parent=index, update_slug="netz-beckum-borken")
    en = Locale.objects.get_or_create(language_code="en")[0]
    en_alias = MeetingSeriesPage.objects.get(pk=borken_alias.pk).copy_for_translation(
        en, copy_parents=True, alias=True
    )
    en_alias = MeetingSeriesPage.objects.get(pk=en_alias.pk)
    assert en_alias.alias_of_id == borken_alias.pk
    borken_member = make_user("netz@borken.example")
    roles.make_network_member(borken_member, other_site)
    borken_manager = make_user("integration@borken.example")
    roles.make_manager(borken_manager, other_site)
    who = {"borken_member": borken_member, "borken_manager": borken_manager}
    assert _mismatches(other_site, who, [en_alias], parent=en_alias.get_parent()) == []


def test_the_kept_overview_is_no_one_elses_when_an_alias_is_listed(
    client, site, other_site, make_series, make_user, settings
):
    """Two Borken network members have the same audience in Borken; only one of them is also
    in Beckum's network. An alias of Beckum's network series in Borken's overview is hers
    alone: the overview kept for her is never shown to the other."""
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 0
    internal = make_series(title="Netzwerktreffen Beckum", visibility=Visibility.NETWORK)
    index = MeetingIndexPage(title="Treffen", slug="treffen-borken")
    other_site.root_page.add_child(instance=index)
    index.save_revision().publish()
    internal.create_alias(parent=index, update_slug="netz-beckum-borken")
    both, borken_only = make_user("beide@example.org"), make_user("borken@example.org")
    for person in (both, borken_only):
        roles.make_network_member(person, other_site)
    roles.make_network_member(both, site)
    pages = {}
    for person in (both, borken_only):
        visitor = Client()
        visitor.force_login(person)
        response = visitor.get(index.url, HTTP_HOST="borken.test")
        assert response.status_code == 200
        pages[person] = response.content.decode()
    assert "Netzwerktreffen Beckum" in pages[both]
    assert "Netzwerktreffen Beckum" not in pages[borken_only]
