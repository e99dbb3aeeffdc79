"""Rooms and people for the chat tests: a network room, a working group with its room."""

from __future__ import annotations

import pytest
from channels.layers import channel_layers
from django.contrib.auth.models import Group

from networks.models import Membership, NetworkPage, WorkingGroupIndexPage, WorkingGroupPage
from plugins.chat.models import Room
from treffpunkt.accounts.roles import ensure_site_roles


@pytest.fixture
def site(db):
    """The default site, also in transactional tests (whose flush removes the page root and
    the locales that Wagtail's migrations made)."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page, Site

    from tests.conftest import make_site

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    Site.objects.all().delete()
    return make_site("beckum.test", "Beckum", default=True)


@pytest.fixture(autouse=True)
def no_foreign_event_loop(request):
    """Playwright's sync API (the session-scoped ``browser`` fixture) leaves its event loop
    marked as running in this thread; an asyncio test that runs later in the same worker
    would then refuse to start its own. Hide that loop during our async tests."""
    import asyncio

    if request.node.get_closest_marker("asyncio") is None:
        yield
        return
    foreign = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(foreign)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own in-memory layer (its queues belong to the test's event loop)."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def network_members_group(site) -> Group:
    """The network members of the test's site (Beckum)."""
    return ensure_site_roles(site).members


@pytest.fixture
def member(make_user, network_members_group):
    person = make_user("petra.wessel@example.org", first_name="Petra", last_name="Wessel")
    person.groups.add(network_members_group)
    return person


@pytest.fixture
def other_member(make_user, network_members_group):
    person = make_user("olena.koval@example.org", first_name="Olena", last_name="Koval")
    person.groups.add(network_members_group)
    return person


@pytest.fixture
def outsider(make_user):
    return make_user("outsider@example.org", first_name="Otto", last_name="Außen")


@pytest.fixture
def manager(site, make_user, network_members_group):
    person = make_user("integration@beckum.example", first_name="Miriam", last_name="Adler")
    person.groups.add(ensure_site_roles(site).managers)
    person.groups.add(network_members_group)
    return person


@pytest.fixture
def network_room(site) -> Room:
    return Room.objects.create(site=site, kind=Room.Kind.NETWORK, title="Netzwerk Beckum")


def make_working_group(site, title: str = "AG Freizeit") -> WorkingGroupPage:
    home = site.root_page.specific
    network = home.get_children().type(NetworkPage).first()
    if network is None:
        network = NetworkPage(title="Netzwerk", slug="netzwerk")
        home.add_child(instance=network)
    network = network.specific
    index = network.get_children().type(WorkingGroupIndexPage).first()
    if index is None:
        index = WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen")
        network.add_child(instance=index)
    group = WorkingGroupPage(title=title, slug=title.lower().replace(" ", "-"), purpose="Freizeit")
    index.specific.add_child(instance=group)
    return group


@pytest.fixture
def working_group(site) -> WorkingGroupPage:
    return make_working_group(site)


@pytest.fixture
def group_room(site, working_group) -> Room:
    return Room.objects.create(
        site=site, kind=Room.Kind.WORKING_GROUP, page=working_group, title=working_group.title
    )


def join(user, group, role: str = Membership.Role.MEMBER) -> Membership:
    return Membership.objects.create(
        working_group=group, user=user, role=role, status=Membership.Status.ACTIVE
    )


@pytest.fixture
def group_member(make_user, working_group):
    person = make_user("amal.haddad@example.org", first_name="Amal", last_name="Haddad")
    join(person, working_group)
    return person


@pytest.fixture
def coordinator(make_user, working_group):
    person = make_user("thomas.brinkmann@example.org", first_name="Thomas", last_name="Brinkmann")
    join(person, working_group, Membership.Role.COORDINATOR)
    return person


@pytest.fixture
def asgi_server(transactional_db):
    """The real ASGI application (HTTP and websockets) under uvicorn, in a thread of this
    process, so that it shares the test database (Django's live_server speaks no websockets)."""
    import threading
    import time

    import uvicorn

    from tests.helpers import free_port
    from treffpunkt.asgi import application

    port = free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(timeout=10)
