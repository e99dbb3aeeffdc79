"""The right of access with the person's own files: /konto/meine-daten.zip holds the JSON
export and every document the person uploaded to a working group (read from private
storage, named by its title), and nothing another member uploaded. Seen from the outside:
a member uploads through the group's space, then downloads and opens the ZIP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import HOST

pytestmark = pytest.mark.django_db
MINE = b"Mein Protokoll der AG, von mir hochgeladen"
THEIRS = b"Protokoll der Koordinatorin"


def _upload(client, network, person, title, name, content):
    client.force_login(person)
    response = client.post(
        network.group.url + "intern/dokument/",
        {"title": title, "file": SimpleUploadedFile(name, content)},
        **HOST,
    )
    assert response.status_code == 302


def _zip(response) -> zipfile.ZipFile:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return zipfile.ZipFile(io.BytesIO(body))


def test_the_zip_holds_the_export_and_the_persons_own_uploads(client, network, people):
    member, coordinator = people["member"], people["coordinator"]
    _upload(client, network, coordinator, "Protokoll Juni", "juni.txt", THEIRS)
    client.logout()
    assert client.get("/konto/meine-daten.zip", **HOST).status_code == 302  # login first
    _upload(client, network, member, "Protokoll März", "maerz-2026.txt", MINE)

    response = client.get("/konto/meine-daten.zip", **HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    bundle = _zip(response)
    assert bundle.testzip() is None
    data = json.loads(bundle.read("daten.json"))
    assert data["sections"]["account"]["email"] == member.email
    [listed] = data["sections"]["networks"]["documents_uploaded"]
    assert listed["title"] == "Protokoll März"
    name = listed["file_in_zip"]
    assert name.startswith("dokumente/") and name.endswith("-protokoll-marz.txt")
    assert bundle.read(name) == MINE
    # only the person's own upload, not the coordinator's in the same group
    assert sorted(bundle.namelist()) == ["daten.json", name]
    assert all(bundle.read(n) != THEIRS for n in bundle.namelist())

    # the JSON download stays as it was, and the dashboard offers both
    assert client.get("/konto/meine-daten.json", **HOST).status_code == 200
    dashboard = client.get("/konto/", **HOST).content.decode()
    assert "/konto/meine-daten.zip" in dashboard and "/konto/meine-daten.json" in dashboard


def test_a_file_missing_from_storage_does_not_break_the_download(client, network, people):
    from wagtail.documents import get_document_model

    member = people["member"]
    _upload(client, network, member, "Verloren", "weg.txt", MINE)
    document = get_document_model().objects.get(title="Verloren")
    document.file.storage.delete(document.file.name)
    bundle = _zip(client.get("/konto/meine-daten.zip", **HOST))
    names = bundle.namelist()
    assert "daten.json" in names and any(n.endswith(".fehlt.txt") for n in names)
