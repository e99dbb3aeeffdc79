"""A small network on the test site: pages, action fields, organisations, one working group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale

from networks.models import (
    ActionField,
    ContactPerson,
    Indicator,
    Measure,
    MeasureIndexPage,
    Membership,
    NetworkPage,
    Organisation,
    OrganisationDirectoryPage,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)
from treffpunkt.accounts.roles import ensure_site_roles


@pytest.fixture(autouse=True)
def languages(db):
    for code in ["de", "en", "ar", "uk", "tr"]:
        Locale.objects.get_or_create(language_code=code)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


class Network:
    """Handles on everything the fixture made, for tests to use by name."""


def build_network(site, slug_prefix: str = "") -> Network:
    n = Network()
    n.site = site
    home = site.root_page.specific
    n.page = publish(
        home,
        NetworkPage(
            title="Netzwerk Integration",
            slug=f"{slug_prefix}netzwerk",
            intro="Gemeinsam für ein gutes Zusammenleben.",
            mission="<p>Wir vernetzen alle Akteure der Integrationsarbeit.</p>",
            structure="<p>Eine Steuerungsgruppe und das Integrationsmanagement.</p>",
            reports_to="Ausschuss für Inklusion, Gleichstellung, Soziales, Wohnen und Ehrenamt",
        ),
    )
    n.groups_index = publish(
        n.page, WorkingGroupIndexPage(title="Arbeitsgruppen", slug="arbeitsgruppen")
    )
    n.directory = publish(
        n.page, OrganisationDirectoryPage(title="Ansprechpersonen", slug="ansprechpersonen")
    )
    n.measures_page = publish(n.page, MeasureIndexPage(title="Maßnahmen", slug="massnahmen"))
    n.housing = ActionField.objects.create(
        site=site,
        name="Wohnen",
        slug=f"{slug_prefix}wohnen",
        guiding_principle="Alle finden angemessenen Wohnraum.",
        icon="housing",
        sort_order=1,
    )
    n.language = ActionField.objects.create(
        site=site, name="Sprache", slug=f"{slug_prefix}sprache", icon="language", sort_order=2
    )
    n.caritas = Organisation.objects.create(
        site=site,
        name="Caritasverband Beckum",
        slug=f"{slug_prefix}caritas",
        kind=Organisation.Kind.WELFARE,
        city="Beckum",
        street="Clemens-August-Straße 3",
        postcode="59269",
        languages="de,ar",
        services="Migrationsberatung, Wohnungssuche",
    )
    n.caritas.action_fields.add(n.housing)
    n.caritas.save()
    n.contact = ContactPerson.objects.create(
        organisation=n.caritas,
        name="Samira Nasser",
        role="Migrationsberatung",
        phone="02521 123",
        email="nasser@caritas.example",
        languages="de,ar",
    )
    n.vhs = Organisation.objects.create(
        site=site,
        name="VHS Beckum-Wadersloh",
        slug=f"{slug_prefix}vhs",
        kind=Organisation.Kind.EDUCATION,
        languages="de,uk",
    )
    n.vhs.action_fields.add(n.language)
    n.vhs.save()
    n.group = publish(
        n.groups_index,
        WorkingGroupPage(
            title="Kontakt mit Behörden",
            slug="kontakt-mit-behoerden",
            purpose="Den Kontakt mit städtischen Behörden erleichtern.",
            guiding_questions="Wo gibt es Hürden?\nWas hilft?",
            action_field=n.housing,
        ),
    )
    n.measure = Measure.objects.create(
        site=site,
        title="Sprachcafé",
        slug=f"{slug_prefix}sprachcafe",
        action_field=n.language,
        goal="Deutsch im Alltag üben",
        target_group="Erwachsene Geflüchtete",
        lead_organisation=n.vhs,
        status=Measure.Status.RUNNING,
        start_date=dt.date(2026, 1, 1),
    )
    n.measure.participants.add(n.caritas)
    n.measure.save()
    n.indicator = Indicator(
        measure=n.measure,
        name="Teilnehmende",
        unit="Personen",
        target=40,
        current_value=10,
        reading_date=dt.date(2026, 3, 1),
    )
    n.indicator.save()
    return n


@pytest.fixture
def network(site) -> Network:
    return build_network(site)


@pytest.fixture
def network_members_group(site):
    """The network members of the test's site (Beckum)."""
    return ensure_site_roles(site).members


@pytest.fixture
def people(network, make_user, staff, network_members_group):
    """Everyone of the access matrix; the coordinator and the member belong to the group."""
    coordinator = make_user("coordinator@example.org", first_name="Petra", last_name="Wessel")
    member = make_user("member2@example.org", first_name="Olena", last_name="Koval")
    outsider = make_user(
        "outsider@example.org", first_name="Mehmet", last_name="Yılmaz", preferred_language="tr"
    )
    for person in (coordinator, member, outsider):
        person.groups.add(network_members_group)
    Membership.objects.create(
        working_group=network.group,
        user=coordinator,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    )
    Membership.objects.create(
        working_group=network.group, user=member, status=Membership.Status.ACTIVE
    )
    return {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "coordinator": coordinator,
        "staff": staff,
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def document(network):
    Document = get_document_model()
    doc = Document(title="Protokoll März", collection=network.group.collection)
    doc.file.save("protokoll-maerz.txt", ContentFile(b"Vertraulich: Protokoll"), save=False)
    doc.save()
    return doc


HOST = {"HTTP_HOST": "beckum.test"}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the code defers to after the commit (emails), as a real commit would."""

    def _commit():
        return django_capture_on_commit_callbacks(execute=True)

    return _commit
