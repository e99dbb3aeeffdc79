"""Uploads in S3-compatible object storage (MEDIA_STORAGE=s3), against an S3 server on loopback.

The server is moto's (an S3 API over HTTP with bucket policies): the public bucket allows
anonymous reads as a town's would, the private one does not. What a visitor reaches is tried
over HTTP, as a browser would: the object URLs themselves, and the site's document links.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.checks import Error, Warning
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from .conftest import HOST

pytestmark = pytest.mark.django_db
SECRET = b"Vertraulich: Liste der Dolmetschenden"
ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-central-1"
KEYS = {"access_key": "treffpunkt", "secret_key": "treffpunkt-secret"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(endpoint):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )


@pytest.fixture
def buckets(s3_server, settings, request):
    """Two fresh buckets per test, set up as docs/deploy.md tells a town to."""
    client = _client(s3_server)
    suffix = str(abs(hash(request.node.nodeid)))[:10]
    public, private = f"medien-{suffix}", f"privat-{suffix}"
    for bucket in (public, private):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{public}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=public, Policy=json.dumps(policy))
    common = {
        **KEYS,
        "endpoint_url": s3_server,
        "region_name": REGION,
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    settings.MEDIA_STORAGE = "s3"
    settings.PRIVATE_OBJECT_STORAGE = {
        **common,
        "bucket_name": private,
        "querystring_auth": True,
        "querystring_expire": 60,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "treffpunkt.core.objectstorage.ObjectMediaStorage",
            "OPTIONS": {**common, "bucket_name": public, "querystring_auth": False},
        },
    }
    yield {"client": client, "public": public, "private": private, "endpoint": s3_server}


def _keys(client, bucket) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_group_documents_go_to_the_private_bucket_and_images_to_the_public_one(
    client, buckets, network, people
):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    client.force_login(people["member"])
    response = client.post(
        network.group.url + "intern/dokument/",
        {"title": "Dolmetschliste", "file": SimpleUploadedFile("dolmetscher.txt", SECRET)},
        **HOST,
    )
    assert response.status_code == 302
    document = get_document_model().objects.get(title="Dolmetschliste")
    s3 = buckets["client"]
    # under a random name, in the private bucket only
    assert _keys(s3, buckets["private"]) == [document.file.name]
    assert "dolmetsch" not in document.file.name and document.file.name.startswith("documents/")
    stored = s3.get_object(Bucket=buckets["private"], Key=document.file.name)["Body"].read()
    assert stored == SECRET
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - a private file has no URL
    # Nobody reaches it at the object store without credentials, name known or not.
    status, body, _ = _fetch(f"{buckets['endpoint']}/{buckets['private']}/{document.file.name}")
    assert status == 403 and SECRET not in body

    image = Image.objects.create(title="Fest", file=get_test_image_file())
    assert _keys(s3, buckets["public"]) == [image.file.name]
    url = image.file.url
    assert "Signature" not in url and "X-Amz" not in url  # a plain URL a cache may keep
    status, body, _ = _fetch(url)
    assert status == 200 and body.startswith(b"\x89PNG")


@pytest.fixture
def stored_document(buckets, network):
    Document = get_document_model()
    document = Document(title="Protokoll März", collection=network.group.collection)
    document.file.save("protokoll-maerz.txt", ContentFile(SECRET), save=False)
    document.save()
    return document


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("outsider", 403), ("member", 200), ("coordinator", 200)],
)
def test_the_site_streams_a_private_object_only_after_the_check(
    client, people, stored_document, role, expected
):
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(stored_document.url, **HOST)
    assert response.status_code == expected
    assert (SECRET in _body(response)) == (expected == 200)
    if expected == 200:
        assert "Protokoll%20M%C3%A4rz.txt" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
    else:
        assert "amazonaws" not in response.get("Location", "")
        assert "X-Amz-Signature" not in response.get("Location", "")


def test_with_redirect_a_member_gets_a_short_lived_signed_link(
    client, settings, buckets, people, stored_document
):
    settings.PRIVATE_FILES_SERVER = "redirect"
    client.force_login(people["member"])
    response = client.get(stored_document.url, **HOST)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    link = response["Location"]
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    status, body, headers = _fetch(link)
    assert status == 200 and body == SECRET
    assert "Protokoll%20M%C3%A4rz.txt" in headers["Content-Disposition"]
    assert headers["Cache-Control"] == "private, no-store"

    # Without its signature the same link is refused by the store.
    unsigned = link.split("?", 1)[0]
    assert _fetch(unsigned)[0] == 403

    client.force_login(people["outsider"])
    refused = client.get(stored_document.url, **HOST)
    assert refused.status_code == 403 and "Location" not in refused


def test_a_lost_object_is_a_404_not_an_error(client, buckets, people, stored_document):
    buckets["client"].delete_object(Bucket=buckets["private"], Key=stored_document.file.name)
    client.force_login(people["member"])
    assert client.get(stored_document.url, **HOST).status_code == 404


def test_backup_and_restore_carry_the_buckets(tmp_path, buckets):
    """`manage.py backup` takes both buckets into the archive; `restore` puts every object
    back under its own name (the database names them), into emptied buckets."""
    s3 = buckets["client"]
    s3.put_object(Bucket=buckets["public"], Key="images/fest.jpg", Body=b"\xff\xd8 picture")
    s3.put_object(Bucket=buckets["private"], Key="documents/Ab3xYz.pdf", Body=SECRET)
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_STORAGE": "s3",
        "S3_ENDPOINT_URL": buckets["endpoint"],
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEYS["access_key"],
        "S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "S3_ADDRESSING_STYLE": "path",
        "S3_BUCKET": buckets["public"],
        "S3_PRIVATE_BUCKET": buckets["private"],
    }

    def manage(*args, **extra):
        return subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "site" / "manage.py"), *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert manage("migrate", "--no-input", "-v0").returncode == 0
    archive = tmp_path / "backup.tar.gz"
    made = manage("backup", "--output", str(archive))
    assert made.returncode == 0, made.stderr
    from treffpunkt.core.backup import read_manifest

    manifest = read_manifest(archive)
    assert manifest["storage"] == "s3"
    assert manifest["files"] == {"media": 1, "private": 1}

    for bucket, key in (
        (buckets["public"], "images/fest.jpg"),
        (buckets["private"], "documents/Ab3xYz.pdf"),
    ):
        s3.delete_object(Bucket=bucket, Key=key)
    done = manage("restore", str(archive), DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert _keys(s3, buckets["public"]) == ["images/fest.jpg"]
    assert _keys(s3, buckets["private"]) == ["documents/Ab3xYz.pdf"]
    body = s3.get_object(Bucket=buckets["private"], Key="documents/Ab3xYz.pdf")["Body"].read()
    assert body == SECRET


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"MEDIA_STORAGE": "local"}, []),
        ({"MEDIA_STORAGE": "ftp"}, ["treffpunkt.E006"]),
        ({"PRIVATE_FILES_SERVER": "lighttpd"}, ["treffpunkt.E007"]),
        ({"PRIVATE_FILES_SERVER": "redirect"}, ["treffpunkt.W003"]),
        ({"MEDIA_STORAGE": "s3", "public": "medien", "private": ""}, ["treffpunkt.E008"]),
        ({"MEDIA_STORAGE": "s3", "public": "medien", "private": "medien"}, ["treffpunkt.E009"]),
        (
            {"MEDIA_STORAGE": "s3", "PRIVATE_FILES_SERVER": "nginx"},
            ["treffpunkt.W004"],
        ),
        ({"MEDIA_STORAGE": "s3", "PRIVATE_FILES_SERVER": "redirect"}, []),
    ],
)
def test_storage_settings_are_checked_on_every_start(settings, values, expected):
    from treffpunkt.core.checks import media_storage

    settings.MEDIA_STORAGE = values.get("MEDIA_STORAGE", "local")
    settings.PRIVATE_FILES_SERVER = values.get("PRIVATE_FILES_SERVER", "django")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "treffpunkt.core.objectstorage.ObjectMediaStorage",
            "OPTIONS": {"bucket_name": values.get("public", "medien")},
        },
    }
    settings.PRIVATE_OBJECT_STORAGE = {"bucket_name": values.get("private", "privat")}
    found = media_storage()
    assert [message.id for message in found] == expected
    for message in found:
        assert isinstance(message, Error | Warning) and message.hint
