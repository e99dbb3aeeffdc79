"""Towns are tenants in Wagtail's own admin views too: the page, snippet, document and
image choosers, the filters of every admin listing and the choices of every page form
offer a manager only their own town (superusers see both). Checked from the outside:
real admin requests as each town's manager, looking for the other town's names."""

from __future__ import annotations

import pytest

from tests.core import test_access_matrix as matrix

_get, _login = matrix._get, matrix._login
#: the access matrix's two towns, personas and private values (a fixture)
world = matrix.world

pytestmark = pytest.mark.django_db

OTHER = {1: 2, 2: 1}


def _body(response) -> str:
    return response.content.decode("utf-8", "replace")


def _views(w, own: int):
    """(path, text of a town) pairs: the path must show the own town's text and must not
    show the other town's. ``{t}`` is filled with the town's values."""
    town = w.towns[own]
    return [
        # the page chooser: browse from the root, search, and a working-group choice
        ("/admin/choose-page/", 'data-title=\\"{name}\\"'),
        ("/admin/choose-page/search/?q=AG", "AG {name}"),
        ("/admin/choose-page/?page_type=networks.workinggrouppage", "{name}"),
        ("/admin/choose-page/search/?q=AG&page_type=networks.workinggrouppage", "AG {name}"),
        # snippet choosers (an event's organisers, a measure's lead organisation)
        ("/admin/snippets/choose/networks/organisation/", "Verein {name}"),
        ("/admin/snippets/choose/networks/organisation/results/?q=Verein", "Verein {name}"),
        ("/admin/snippets/choose/networks/membership/", "AG {name}"),
        # documents: the town's collection only
        ("/admin/documents/chooser/", "Aushang {name}"),
        ("/admin/documents/chooser/results/?q=Aushang", "Aushang {name}"),
        ("/admin/documents/chooser/results/?q=Protokoll", "Protokoll {name}"),
        # listing filters: sites, working groups
        ("/admin/snippets/networks/organisation/", ">{name}"),
        ("/admin/snippets/networks/membership/", "AG {name}"),
        ("/admin/snippets/networks/grouppost/", "AG {name}"),
        ("/admin/chat/rooms/", ">{name}"),
        ("/admin/newsletter/subscribers/", ">{name}"),
        (f"/admin/pages/{town['home'].pk}/", '">\n {name}'),
        # a page form's choices: the event's organisers
        (f"/admin/pages/{town['event'].pk}/edit/", "Verein {name}"),
    ]


@pytest.fixture
def notices(world):
    """A document in each town's own collection (the one its managers may choose from)."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from treffpunkt.accounts.roles import site_collection

    for town in world.towns.values():
        document = get_document_model()(
            title=f"Aushang {town['town']}", collection=site_collection(town["site"])
        )
        document.file.save("aushang.txt", ContentFile(b"Aushang"), save=True)
    # a working group's documents (kept in the group's collection, served to its members
    # only): in the town's collection, so its managers can link them too
    from networks.models import rehome_group_collections

    rehome_group_collections()
    for town in world.towns.values():
        town["group"].refresh_from_db()
        minutes = get_document_model()(
            title=f"Protokoll {town['town']}", collection=town["group"].collection
        )
        minutes.file.save("protokoll.txt", ContentFile(b"Protokoll"), save=True)
    return world


def _text(template: str, town: dict) -> str:
    return template.format(name=town["town"])


@pytest.mark.parametrize("own", [1, 2])
def test_choosers_filters_and_forms_offer_only_own_town(client, world, notices, own):
    _login(client, world.people[f"manager_{own}"])
    mine, theirs = world.towns[own], world.towns[OTHER[own]]
    problems = []
    for path, template in _views(world, own):
        response = _get(client, path, mine["host"])
        body = _body(response)
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
            continue
        if _text(template, mine) not in body:
            problems.append(f"{path}: misses the own town's {_text(template, mine)!r}")
        if _text(template, theirs) in body:
            problems.append(f"{path}: shows the other town's {_text(template, theirs)!r}")
    assert not problems, "\n".join(problems)


def test_superuser_chooses_from_every_town(client, world):
    """The test above can fail: a superuser sees both towns in the same views."""
    _login(client, world.people["superuser"])
    for path in (
        "/admin/choose-page/search/?q=AG",
        "/admin/snippets/choose/networks/organisation/",
        "/admin/snippets/networks/organisation/",
    ):
        body = _body(_get(client, path, "beckum.test"))
        for town in world.towns.values():
            assert town["town"] in body, (path, town["town"])


def test_other_towns_objects_cannot_be_picked_by_id(client, world):
    """The chooser's direct answers (chosen, chosen-multiple, browsing below a page) find
    nothing of the other town; the own town's are found."""
    _login(client, world.people["manager_1"])
    beckum, borken = world.towns[1], world.towns[2]
    own_org, other_org = beckum["organisation"].pk, borken["organisation"].pk
    base = "/admin/snippets/choose/networks/organisation"
    cases = [
        (f"{base}/chosen/{own_org}/", 200),
        (f"{base}/chosen/{other_org}/", 404),
        (f"/admin/choose-page/{beckum['home'].pk}/", 200),
        (f"/admin/choose-page/{borken['home'].pk}/", 404),
        (f"/admin/choose-page/{borken['group'].pk}/", 404),
        (f"/admin/choose-page/chosen-multiple/?id={beckum['group'].pk}", 200),
        (f"/admin/choose-page/chosen-multiple/?id={borken['group'].pk}", 404),
        (
            f"/admin/choose-page/chosen-multiple/?id={beckum['group'].pk}&id={borken['group'].pk}",
            404,
        ),
        ("/admin/choose-page/chosen-multiple/?id=99999999999999999999", 404),
        (f"/admin/documents/chooser/{borken['document'].pk}/", 404),
    ]
    for path, status in cases:
        assert _get(client, path, "beckum.test").status_code == status, path
    multiple = _body(
        _get(client, f"{base}/chosen-multiple/?id={own_org}&id={other_org}", "beckum.test")
    )
    assert "Verein Beckum" in multiple and "Verein Borken" not in multiple


def test_page_form_refuses_the_other_towns_choices(world):
    """Validation, not only display: a forged edit of Beckum's event that names Borken's
    organisation and working group is refused; one a superuser linked earlier is kept."""
    from events.models import EventPage

    beckum, borken = world.towns[1], world.towns[2]
    manager = world.people["manager_1"]
    event = EventPage.objects.get(pk=beckum["event"].pk)
    form_class = EventPage.get_edit_handler().get_form_class()
    form = form_class(instance=event, for_user=manager)
    organisers = form.fields["organisers"].queryset
    assert beckum["organisation"] in organisers
    assert borken["organisation"] not in organisers
    groups = form.fields["working_group"].queryset
    assert groups.filter(pk=beckum["group"].pk).exists()
    assert not groups.filter(pk=borken["group"].pk).exists()

    # a link a superuser made across towns stays choosable for the manager (no data loss)
    event.organisers.add(borken["organisation"])
    event.save()
    kept = form_class(instance=event, for_user=manager).fields["organisers"].queryset
    assert borken["organisation"] in kept
    superuser_form = form_class(instance=event, for_user=world.people["superuser"])
    assert borken["organisation"] in superuser_form.fields["organisers"].queryset


def test_page_types_report_is_for_superusers_only(client, world):
    """Wagtail's page-types report names every town's last edited page: managers neither
    see it in the menu nor open it."""
    _login(client, world.people["manager_1"])
    assert _get(client, "/admin/reports/page-types-usage/", "beckum.test").status_code == 404
    assert "page-types-usage" not in _body(_get(client, "/admin/", "beckum.test"))
    _login(client, world.people["superuser"])
    response = _get(client, "/admin/reports/page-types-usage/", "beckum.test")
    assert response.status_code == 200 and "AG Borken" in _body(response)


def test_site_history_shows_own_towns_snippet_changes_only(client, world):
    """Reports → Site history lists changes to snippets: a manager sees their own town's
    (and who made them), never the other town's; superusers see both."""
    from wagtail.log_actions import log

    names = {}
    for n in (1, 2):
        organisation = world.towns[n]["organisation"]
        organisation.name = f"Geänderter Verein {n}"
        organisation.save()
        log(organisation, "wagtail.edit", user=world.people[f"manager_{n}"])
        names[n] = organisation.name
    _login(client, world.people["manager_1"])
    for path in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = _get(client, path, "beckum.test")
        assert response.status_code == 200
        html = _body(response)
        assert names[1] in html
        assert names[2] not in html
    _login(client, world.people["superuser"])
    html = _body(_get(client, "/admin/reports/site-history/", "beckum.test"))
    assert names[1] in html and names[2] in html


def test_new_group_collection_lies_in_its_towns_collection(world):
    """A group made in a town keeps its documents in a collection inside the town's; one
    made before (at the root) is moved there by rehome_group_collections (after migrate)."""
    from wagtail.models import Collection

    from networks.models import WorkingGroupPage, rehome_group_collections
    from treffpunkt.accounts.roles import site_collection

    town = world.towns[1]
    index = town["group"].get_parent()
    group = index.add_child(
        instance=WorkingGroupPage(title="AG Neu", slug="ag-neu", purpose="Neues")
    )
    assert group.collection.is_descendant_of(site_collection(town["site"]))

    old_home = Collection.get_first_root_node().add_child(name="Alte AG")
    WorkingGroupPage.objects.filter(pk=group.pk).update(collection=old_home)
    assert rehome_group_collections() >= 1
    old_home.refresh_from_db()
    assert old_home.is_descendant_of(site_collection(town["site"]))
    assert rehome_group_collections() == 0  # nothing left to move
