"""Mediators who chose to appear in the network's contact directory are listed there,
through the core's ``directory`` template slot (networks/ knows nothing of the plugin)."""

from __future__ import annotations

import pathlib

import pytest
from django.test import Client

from plugins.interpreters.models import Mediator, MediatorLanguage, Request
from tests.networks.conftest import build_network
from treffpunkt.core import pagecache
from treffpunkt.plugins.models import PluginSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(site):
    return build_network(site).directory


def visit(path, host="beckum.test", **query):
    answer = Client().get(path, query, HTTP_HOST=host)
    assert answer.status_code == 200
    return answer.content.decode()


def test_listed_only_when_chosen(directory, make_mediator, other_site):
    amal = make_mediator(language="ara", first_name="Amal", email="amal@example.org")
    amal.in_directory = True
    amal.save()
    MediatorLanguage.objects.create(mediator=amal, language="kmr", level=2)
    make_mediator(language="ara", first_name="Karim", email="karim@example.org")  # not chosen
    gone = make_mediator(language="ara", first_name="Yusuf", in_directory=True, active=False)
    elsewhere = make_mediator(language="ara", first_name="Bora", site=other_site, in_directory=True)
    page = visit(directory.url)
    assert 'id="pool-mediators"' in page
    assert "Amal" in page and "mailto:amal@example.org" in page
    assert '<span lang="ar">العربية</span>, <span lang="ku">Kurmancî</span>' in page
    assert "Karim" not in page and "karim@example.org" not in page
    assert gone.user.first_name not in page and elsewhere.user.first_name not in page

    # the directory's language filter (its choices are the contacts' languages): German
    # finds no mediator of Arabic and Kurmanji; Arabic finds Amal
    assert "pool-mediators" not in visit(directory.url, language="de")
    assert "Amal" in visit(directory.url, language="ar")
    # a word search is about organisations: no mediators there
    assert "pool-mediators" not in visit(directory.url, q="Caritas")


def test_nobody_listed_with_the_plugin_off_or_without_choice(directory, make_mediator, site):
    assert "pool-mediators" not in visit(directory.url)  # nobody chose: no empty box
    make_mediator(language="tir", first_name="Senait", in_directory=True)
    assert "Senait" in visit(directory.url)
    PluginSettings.set_enabled(site, "interpreters", False)
    page = visit(directory.url)
    assert "Senait" not in page and "pool-mediators" not in page


def test_choosing_renews_the_cached_directory(directory, make_mediator, settings):
    """The directory is in the anonymous page cache: a mediator who chooses to be listed (or
    no longer) shows at once; the pool's requests still leave the cache alone."""
    assert not pagecache._ignored(Mediator) and not pagecache._ignored(MediatorLanguage)
    assert pagecache._ignored(Request)
    settings.PAGE_CACHE_SECONDS = 300
    senait = make_mediator(language="tir", first_name="Senait")
    assert "Senait" not in visit(directory.url)
    senait.in_directory = True
    senait.save()
    assert "Senait" in visit(directory.url)
    senait.in_directory = False
    senait.save()
    assert "Senait" not in visit(directory.url)


def test_networks_does_not_import_the_plugin():
    root = pathlib.Path(__file__).resolve().parents[3] / "networks"
    for source in root.rglob("*.py"):
        assert "interpreters" not in source.read_text(encoding="utf-8"), source


def test_the_mediator_makes_the_choice_on_their_own_page(directory, make_mediator, other_site):
    """The choice is the mediator's: their assignments page says whether they are listed and
    switches it (POST); nobody else can switch it for them, and another town's profile of the
    same person is left alone."""
    senait = make_mediator(language="tir", first_name="Senait")
    elsewhere = Mediator.objects.create(site=other_site, user=senait.user)
    client = Client(HTTP_HOST="beckum.test")
    client.force_login(senait.user)
    page = client.get("/dolmetschen/einsaetze/").content.decode()
    assert 'id="directory"' in page and 'name="shown" value="1"' in page

    answer = client.post("/dolmetschen/einsaetze/verzeichnis/", {"shown": "1"})
    assert answer.status_code == 302 and answer["Location"].endswith("/einsaetze/#directory")
    senait.refresh_from_db()
    elsewhere.refresh_from_db()
    assert senait.in_directory and not elsewhere.in_directory
    assert "Senait" in visit(directory.url)
    page = client.get("/dolmetschen/einsaetze/").content.decode()
    assert 'name="shown" value="0"' in page

    client.post("/dolmetschen/einsaetze/verzeichnis/", {"shown": "0"})
    senait.refresh_from_db()
    assert not senait.in_directory
    assert "Senait" not in visit(directory.url)

    # a GET changes nothing; someone who is no mediator here gets 404; anonymous: sign in
    assert client.get("/dolmetschen/einsaetze/verzeichnis/").status_code == 405
    other = Client(HTTP_HOST="beckum.test")
    other.force_login(make_mediator(language="ara", site=other_site).user)
    assert other.post("/dolmetschen/einsaetze/verzeichnis/", {"shown": "1"}).status_code == 404
    anonymous = Client(HTTP_HOST="beckum.test").post(
        "/dolmetschen/einsaetze/verzeichnis/", {"shown": "1"}
    )
    assert anonymous.status_code == 302 and "next=" in anonymous["Location"]
    senait.refresh_from_db()
    assert not senait.in_directory


def test_listed_mediators_are_kept_until_they_change(directory, make_mediator, settings):
    """With the page cache off (as for every signed-in visitor) the listed mediators are
    kept per town and language filter: no query for them while nothing changes, and a new
    language, a new name or a mediator leaving the pool shows on the next render."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    senait = make_mediator(language="tir", first_name="Senait", in_directory=True)
    assert "Senait" in visit(directory.url)
    with CaptureQueriesContext(connection) as ctx:
        assert "Senait" in visit(directory.url)
    assert not [q for q in ctx.captured_queries if "interpreters_mediator" in q["sql"]]
    assert "Senait" not in visit(directory.url, language="ar")  # each filter its own

    MediatorLanguage.objects.create(mediator=senait, language="ara", level=2)
    assert '<span lang="ar">العربية</span>' in visit(directory.url)
    assert "Senait" in visit(directory.url, language="ar")
    senait.user.first_name = "Senayt"
    senait.user.save()
    assert "Senayt" in visit(directory.url)
    senait.active = False
    senait.save()
    assert "Senayt" not in visit(directory.url)
