"""Uploads in S3-compatible object storage (``MEDIA_STORAGE=s3``), through django-storages.

Two buckets keep public and private files apart, as the two folders do on local disk:

- ``S3_BUCKET`` holds the public files (images and their renditions). Their URLs are plain,
  unsigned ones (``S3_PUBLIC_URL`` when a CDN or a custom domain stands in front), so the
  bucket must allow anonymous reads (a bucket policy); the page cache can keep them.
- ``S3_PRIVATE_BUCKET`` holds every private file (names under ``PRIVATE_MEDIA_PREFIXES``:
  the Wagtail documents), under random names, and must allow no anonymous access. A private
  file has no URL: it is sent only by a view that checked access first
  (:func:`treffpunkt.core.privatefiles.storage_file_response`), streamed by Django, or with
  ``PRIVATE_FILES_SERVER=redirect`` by a redirect to a signed link that expires after
  ``PRIVATE_FILES_URL_SECONDS``.

Any provider that speaks the S3 API works (AWS, Hetzner, IONOS, OVH, Wasabi, MinIO, Ceph):
``S3_ENDPOINT_URL`` names it. See docs/configuration.md and docs/deploy.md.
"""

from __future__ import annotations

from django.conf import settings
from storages.backends.s3 import S3Storage

from .privatefiles import SplitStorageMixin, random_name


class PrivateObjectStorage(S3Storage):
    """The private bucket: random names, no public URL, signed links on request."""

    def __init__(self, **options):
        super().__init__(**{**settings.PRIVATE_OBJECT_STORAGE, **options})

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(random_name(name), max_length=max_length)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Private files have no public URL; serve them through a view.")

    def signed_url(self, name: str, *, content_disposition: str, content_type: str) -> str:
        """A link to one private file that works for ``PRIVATE_FILES_URL_SECONDS`` only; the
        object store answers it with these headers."""
        return super().url(
            name,
            parameters={
                "ResponseContentDisposition": content_disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.PRIVATE_FILES_URL_SECONDS,
        )


class ObjectMediaStorage(SplitStorageMixin, S3Storage):
    """The default storage with ``MEDIA_STORAGE=s3``: public files in ``S3_BUCKET``, private
    ones (by prefix) in ``S3_PRIVATE_BUCKET`` under random names."""

    def make_private(self) -> PrivateObjectStorage:
        return PrivateObjectStorage()
