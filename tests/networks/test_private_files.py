"""Group documents are private files: outside MEDIA_ROOT, random names, sent after the check."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from wagtail.documents import get_document_model

from .conftest import HOST

pytestmark = pytest.mark.django_db
SECRET = b"Vertraulich: Protokoll der AG"


def _files_under(root) -> list[Path]:
    return [Path(d) / f for d, _dirs, files in os.walk(root) for f in files]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_an_uploaded_group_document_is_nowhere_in_the_public_media_space(
    client, settings, network, people
):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    client.force_login(people["member"])
    response = client.post(
        network.group.url + "intern/dokument/",
        {"title": "Protokoll März", "file": SimpleUploadedFile("protokoll-maerz.txt", SECRET)},
        **HOST,
    )
    assert response.status_code == 302
    # an image, by contrast, is public and stays in MEDIA_ROOT
    Image.objects.create(title="Foto", file=get_test_image_file())

    document = get_document_model().objects.get(title="Protokoll März")
    path = Path(document.file.path).resolve()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    assert "protokoll" not in document.file.name.lower() and len(path.stem) >= 32
    assert path.read_bytes() == SECRET
    public = _files_under(settings.MEDIA_ROOT)
    assert public, "the image should be in MEDIA_ROOT"
    for file in public:
        assert file.read_bytes() != SECRET and "protokoll" not in file.name.lower()
        assert file.name != path.name
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - no public URL exists for a private file


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 403), ("member", 200), ("coordinator", 200)],
)
def test_the_file_is_sent_only_after_the_check(client, network, people, document, role, expected):
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(document.url, **HOST)
    assert response.status_code == expected
    body = _body(response)
    assert (b"Vertraulich" in body) == (expected == 200)
    if expected == 200:
        # the stored name is random; the download carries the title
        assert "Protokoll%20M%C3%A4rz.txt" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("server", "header"), [("nginx", "X-Accel-Redirect"), ("apache", "X-Sendfile")]
)
def test_the_web_server_sends_the_file_when_configured(
    client, settings, network, people, document, server, header
):
    settings.PRIVATE_FILES_SERVER = server
    settings.PRIVATE_FILES_INTERNAL_URL = "/private-files/"
    client.force_login(people["member"])
    response = client.get(document.url, **HOST)
    assert response.status_code == 200 and _body(response) == b""
    if server == "nginx":
        assert response[header] == "/private-files/" + document.file.name
    else:
        assert response[header] == str(Path(document.file.path).resolve())
    client.force_login(people["outsider"])
    refused = client.get(document.url, **HOST)
    assert refused.status_code == 403 and header not in refused


def test_documents_from_before_move_out_of_media_root(client, settings, network, people):
    old = Path(settings.MEDIA_ROOT) / "documents" / "alte-liste.txt"
    old.parent.mkdir(parents=True)
    old.write_bytes(SECRET)
    Document = get_document_model()
    document = Document.objects.create(
        title="Alte Liste", file="documents/alte-liste.txt", collection=network.group.collection
    )
    call_command("privatise_documents", stdout=io.StringIO())
    document.refresh_from_db()
    assert not old.exists()
    assert "alte-liste" not in document.file.name
    assert Path(document.file.path).read_bytes() == SECRET
    client.force_login(people["member"])
    assert _body(client.get(document.url, **HOST)) == SECRET
