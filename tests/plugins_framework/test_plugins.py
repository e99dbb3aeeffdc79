"""The plugin machinery, exercised with tests/dummy_plugin (installed with its entry point)."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from wagtail.models import Page

from treffpunkt.plugins import PluginConfig, registry
from treffpunkt.plugins.discovery import entry_point_plugins, plugin_app_names
from treffpunkt.plugins.models import PluginSettings
from treffpunkt.signals import dashboard_panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def dummy():
    if not apps.is_installed("treffpunkt_dummy"):
        pytest.fail(
            "the dummy plugin is not installed: run bin/install-test-plugin (make test does)"
        )
    return apps.get_app_config("dummy")


def test_dummy_plugin_is_found_through_its_entry_point(dummy):
    assert entry_point_plugins()["treffpunkt_dummy"] == "treffpunkt-dummy-plugin"
    assert isinstance(dummy, PluginConfig)
    assert dummy.origin == "entry point (treffpunkt-dummy-plugin)"
    assert dummy.version == "1.0.0"
    builtin = {p.label for p in registry.all_plugins() if p.origin == "builtin"}
    assert {"meetings", "newsletter", "chat"} <= builtin


def test_exclusion_by_name_or_label():
    names = plugin_app_names(["plugins.chat", "plugins.meetings"], ["chat"])
    assert "plugins.chat" not in names and "plugins.meetings" in names
    assert "treffpunkt_dummy" not in plugin_app_names([], ["treffpunkt_dummy"])


def test_default_settings_merge_with_deployment_config(dummy, settings):
    assert dummy.setting("GREETING") == "Hallo"
    settings.PLUGINS_CONFIG = {"dummy": {"GREETING": "Merhaba"}}
    assert dummy.setting("GREETING") == "Merhaba"
    assert dummy.setting("SHOUT") is False
    with pytest.raises(KeyError):
        dummy.setting("NO_SUCH_SETTING")


def test_requires_mismatch_is_a_clear_start_up_error(dummy):
    class TooNew(type(dummy)):
        requires = ">=99"

    with pytest.raises(
        ImproperlyConfigured,
        match=r"Plugin 'dummy' 1.0.0 requires treffpunkt>=99, but this is treffpunkt 0.1.0",
    ):
        TooNew("treffpunkt_dummy", dummy.module)

    class Broken(type(dummy)):
        requires = "not a specifier"

    with pytest.raises(ImproperlyConfigured, match="invalid requirement"):
        Broken("treffpunkt_dummy", dummy.module)


def _dummy_page(site, slug="dummy"):
    from treffpunkt_dummy.models import DummyPage

    page = DummyPage(title="Dummy", slug=slug, greeting="Hallo Beckum")
    site.root_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_disabling_for_one_site_hides_page_and_urls_there_only(client, site, other_site, dummy):
    _dummy_page(site)
    _dummy_page(other_site)
    for host in ("beckum.test", "borken.test"):
        assert client.get("/dummy/", HTTP_HOST=host).status_code == 200
        assert client.get("/dummy/hello/", HTTP_HOST=host).content == b"Hallo from the dummy plugin"

    PluginSettings.set_enabled(other_site, "dummy", False)

    assert client.get("/dummy/", HTTP_HOST="borken.test").status_code == 404
    assert client.get("/dummy/hello/", HTTP_HOST="borken.test").status_code == 404
    assert client.get("/en/dummy/hello/", HTTP_HOST="borken.test").status_code == 404
    assert client.get("/dummy/", HTTP_HOST="beckum.test").status_code == 200
    assert client.get("/dummy/hello/", HTTP_HOST="beckum.test").status_code == 200

    PluginSettings.set_enabled(other_site, "dummy", True)
    assert client.get("/dummy/hello/", HTTP_HOST="borken.test").status_code == 200


def test_page_types_cannot_be_created_where_disabled(site, other_site, dummy):
    from treffpunkt_dummy.models import DummyPage

    PluginSettings.set_enabled(other_site, "dummy", False)
    assert DummyPage.can_create_at(Page.objects.get(pk=site.root_page_id))
    assert not DummyPage.can_create_at(Page.objects.get(pk=other_site.root_page_id))


def test_signal_receivers_of_a_plugin_run_only_where_it_is_enabled(
    rf, site, other_site, dummy, user
):
    request = rf.get("/")
    request.user = user
    titles = [p.title for p in dashboard_panels.collect(site, request=request)]
    assert "Dummy greeting" in titles
    PluginSettings.set_enabled(site, "dummy", False)
    site.refresh_from_db()
    titles = [p.title for p in dashboard_panels.collect(site, request=request)]
    assert "Dummy greeting" not in titles
    assert "Dummy greeting" in [
        p.title for p in dashboard_panels.collect(other_site, request=request)
    ]


def test_admin_menu_item_hidden_for_editors_of_that_site_only(
    client, site, other_site, staff, dummy, settings
):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(staff)
    assert '"/dummy/hello/"' in client.get("/admin/", HTTP_HOST="beckum.test").content.decode()
    PluginSettings.set_enabled(site, "dummy", False)
    assert '"/dummy/hello/"' not in client.get("/admin/", HTTP_HOST="beckum.test").content.decode()
    assert '"/dummy/hello/"' in client.get("/admin/", HTTP_HOST="borken.test").content.decode()


def test_plugin_settings_form_in_admin_switches_plugins(client, site, staff, dummy, settings):
    settings.REQUIRE_MFA_FOR_PUBLISHERS = False
    client.force_login(staff)
    url = f"/admin/settings/treffpunkt_plugins/pluginsettings/{site.pk}/"
    form = client.get(url, HTTP_HOST="beckum.test").content.decode()
    assert 'value="dummy"' in form
    others = [p.label for p in registry.all_plugins() if p.label != "dummy"]
    response = client.post(url, {"enabled": others}, HTTP_HOST="beckum.test")
    assert response.status_code == 302
    states = PluginSettings.objects.get(site=site).states
    assert states["dummy"] is False
    assert all(states[label] for label in others)
    response = client.post(url, {"enabled": ["no-such-plugin"]}, HTTP_HOST="beckum.test")
    assert response.status_code == 200  # the form shows the error and saves nothing
    assert PluginSettings.objects.get(site=site).states == states
    assert client.get("/dummy/hello/", HTTP_HOST="beckum.test").status_code == 404


def test_manage_py_plugins_lists_version_origin_and_sites(site, other_site, dummy, capsys):
    PluginSettings.set_enabled(other_site, "dummy", False)
    call_command("plugins")
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("dummy "))
    assert "1.0.0" in line and "entry point (treffpunkt-dummy-plugin)" in line
    assert "beckum.test:80" in line and "borken.test" not in line


@pytest.mark.django_db(transaction=True)
async def test_websocket_route_refused_where_disabled(site, other_site, dummy):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from treffpunkt.asgi import application

    async def connect(host):
        communicator = WebsocketCommunicator(
            application,
            "/ws/dummy/echo/",
            headers=[(b"host", host), (b"origin", b"http://" + host)],
        )
        connected, code = await communicator.connect()
        return communicator, connected, code

    communicator, connected, _ = await connect(b"borken.test")
    assert connected
    await communicator.send_to(text_data="hallo")
    assert await communicator.receive_from() == "echo: hallo"
    await communicator.disconnect()

    await database_sync_to_async(PluginSettings.set_enabled)(other_site, "dummy", False)
    communicator, connected, code = await connect(b"borken.test")
    assert not connected and code == 4404
    communicator, connected, _ = await connect(b"beckum.test")
    assert connected
    await communicator.disconnect()


# --- what a plugin declares and the core reads (PluginConfig attributes) -------------------


def test_required_setting_missing_is_a_clear_start_up_error(dummy, settings):
    assert dummy.required_settings == ("HOST_NAME",)

    class NeedsMore(type(dummy)):
        required_settings = ("HOST_NAME", "API_KEY")

    with pytest.raises(
        ImproperlyConfigured, match=r"Plugin 'dummy' needs the setting\(s\) API_KEY"
    ):
        NeedsMore("treffpunkt_dummy", dummy.module)
    settings.PLUGINS_CONFIG = {"dummy": {"HOST_NAME": "Beckum", "API_KEY": "x"}}
    NeedsMore("treffpunkt_dummy", dummy.module)  # all there: starts


def test_page_cache_ignores_what_plugins_declare_and_nothing_else(dummy, settings):
    from django.apps import apps as django_apps

    from treffpunkt.core import pagecache

    greeting = django_apps.get_model("dummy", "Greeting")
    dummy_page = django_apps.get_model("dummy", "DummyPage")
    assert pagecache._ignored(greeting)  # declared by the dummy plugin
    assert not pagecache._ignored(dummy_page)
    for label in ("chat.message", "newsletter.subscriber", "meetings.feedtoken"):
        assert pagecache._ignored(django_apps.get_model(label))  # declared by the plugins
    assert not pagecache._ignored(django_apps.get_model("newsletter.newsletterpage"))
    assert not any(
        name.split(".")[0] in {"chat", "newsletter", "meetings"}
        for name in settings.PAGE_CACHE_IGNORE
    )  # the core's setting names no plugin


def test_roles_get_the_permissions_plugins_declare(site, dummy):
    from treffpunkt.accounts.roles import MANAGED_APPS, ensure_site_roles

    roles = ensure_site_roles(site)

    def granted(group):
        return set(group.permissions.values_list("content_type__app_label", "codename"))

    managers, members = granted(roles.managers), granted(roles.members)
    assert {("dummy", "add_greeting"), ("dummy", "change_dummypage")} <= managers
    assert ("meetings", "change_meetingseriespage") in managers
    assert ("newsletter", "add_topic") in managers and ("chat", "delete_message") in managers
    assert ("dummy", "view_greeting") in members and ("dummy", "add_greeting") not in members
    assert not {"meetings", "newsletter", "chat"} & set(MANAGED_APPS)


def test_calendar_offers_the_kind_a_plugin_declares_where_it_is_on(client, site, other_site, dummy):
    import datetime as dt

    from django.utils import timezone

    from treffpunkt.calendar import entries_between, kind_choices

    page = _dummy_page(site)
    page.meets_at = timezone.now() + dt.timedelta(days=2)
    page.save_revision().publish()
    now = timezone.now()
    week = (now, now + dt.timedelta(days=7))
    assert [e.title for e in entries_between(site, None, *week, {"kind": "dummy"})] == ["Dummy"]
    assert entries_between(site, None, *week, {"kind": "meeting"}) == []
    assert ("dummy", "Dummy date") in kind_choices(site)
    PluginSettings.set_enabled(site, "dummy", False)
    site.refresh_from_db()
    assert ("dummy", "Dummy date") not in kind_choices(site)
    assert entries_between(site, None, *week) == []


def test_report_takes_the_sections_a_plugin_declares(site, dummy):
    import datetime as dt

    from django.apps import apps as django_apps

    from networks.report import build_report

    django_apps.get_model("dummy", "Greeting").objects.create(site=site, text="Merhaba!")
    today = dt.date.today()
    reports = build_report(site, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    other = reports[-1]
    assert other.action_field is None
    assert [(s.title, [r.title for r in s.rows]) for s in other.sections] == [
        ("Greetings", ["Merhaba!"])
    ]
    PluginSettings.set_enabled(site, "dummy", False)
    site.refresh_from_db()
    reports = build_report(site, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    assert all(r.action_field is not None for r in reports)  # "Other" is empty: left out


def test_template_content_adds_links_to_core_pages_where_the_plugin_is_on(
    client, site, other_site, dummy, user
):
    PluginSettings.set_enabled(other_site, "dummy", False)
    beckum = client.get("/suche/", HTTP_HOST="beckum.test").content.decode()
    borken = client.get("/suche/", HTTP_HOST="borken.test").content.decode()
    assert '<li><a href="/dummy/hello/">Dummy hello</a></li>' in beckum
    assert "Dummy hello" not in borken
    client.force_login(user)
    dashboard = client.get("/konto/", HTTP_HOST="beckum.test").content.decode()
    assert f"Dummy settings of {user.get_username()}" in dashboard
    assert "Dummy greeting" in dashboard  # the declared dashboard panel
    dashboard = client.get("/konto/", HTTP_HOST="borken.test").content.decode()
    assert "Dummy settings of" not in dashboard and "Dummy greeting" not in dashboard


def test_unknown_template_slot_is_a_programming_error(site):
    from treffpunkt.plugins.templates import render_slot

    with pytest.raises(ValueError, match="Unknown template slot"):
        render_slot("sidebar", {}, site)
