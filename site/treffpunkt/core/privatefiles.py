"""Private files: kept outside MEDIA_ROOT under random names, served only after a check.

Wagtail stores every document under ``documents/`` in the default storage. The default
storage of Treffpunkt (:class:`MediaStorage`) keeps names under a private prefix
(``PRIVATE_MEDIA_PREFIXES``, ``documents/`` by default) in ``PRIVATE_MEDIA_ROOT`` instead
of ``MEDIA_ROOT``, named by a random token (the extension kept), and gives them no URL: a
web server that publishes ``/media/`` never sees them, and no name can be guessed. Images
stay public in ``MEDIA_ROOT``.

They are sent only by a view that checked access first (the document view of Wagtail and
the hooks in front of it), through :func:`file_response`: by nginx (``X-Accel-Redirect``)
or Apache (``X-Sendfile``) when ``PRIVATE_FILES_SERVER`` says so, otherwise by Django.

With ``MEDIA_STORAGE=s3`` the same split holds between two buckets (see
:mod:`treffpunkt.core.objectstorage`), and :func:`storage_file_response` sends the file.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property


def private_prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "PRIVATE_MEDIA_PREFIXES", ("documents/",)))


def is_private_name(name: str) -> bool:
    return str(name).replace("\\", "/").lstrip("/").startswith(private_prefixes())


def random_name(name: str) -> str:
    """``documents/Protokoll März.pdf`` -> ``documents/<32 random characters>.pdf``."""
    path = PurePosixPath(str(name).replace("\\", "/"))
    suffix = "".join(path.suffixes[-1:]).lower()
    if not suffix.isascii() or len(suffix) > 10 or not suffix[1:].isalnum():
        suffix = ""
    return str(path.parent / f"{secrets.token_urlsafe(24)}{suffix}")


class PrivateStorage(FileSystemStorage):
    """``PRIVATE_MEDIA_ROOT``: random names, no URL."""

    # Read from the settings on every use (not once), like MEDIA_ROOT for FileSystemStorage.
    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(random_name(name), max_length=max_length)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL; serve them through a view.")


class SplitStorageMixin:
    """Public names in the storage itself, private ones (by prefix) in ``self.private``.

    Mixed into a storage class (local disk or object storage); ``make_private()`` builds the
    storage for private files, which names them randomly and gives them no public URL.
    """

    def make_private(self):  # pragma: no cover - each storage class defines it
        raise NotImplementedError

    @cached_property
    def private(self):
        return self.make_private()

    def get_available_name(self, name, max_length=None):
        if is_private_name(name):
            return self.private.get_available_name(name, max_length=max_length)
        return super().get_available_name(name, max_length=max_length)

    def _save(self, name, content):
        if is_private_name(name):
            return self.private._save(name, content)
        return super()._save(name, content)

    def _open(self, name, mode="rb"):
        if is_private_name(name):
            return self.private._open(name, mode)
        return super()._open(name, mode)

    def delete(self, name):
        if name and is_private_name(name):
            return self.private.delete(name)
        return super().delete(name)

    def exists(self, name):
        if is_private_name(name):
            return self.private.exists(name)
        return super().exists(name)

    def path(self, name):
        if is_private_name(name):
            return self.private.path(name)
        return super().path(name)

    def size(self, name):
        if is_private_name(name):
            return self.private.size(name)
        return super().size(name)

    def url(self, name):
        if is_private_name(name):
            return self.private.url(name)
        return super().url(name)

    def listdir(self, path):
        if is_private_name(path.rstrip("/") + "/"):
            return self.private.listdir(path)
        return super().listdir(path)

    def get_modified_time(self, name):
        if is_private_name(name):
            return self.private.get_modified_time(name)
        return super().get_modified_time(name)


class MediaStorage(SplitStorageMixin, FileSystemStorage):
    """The default storage: public files in ``MEDIA_ROOT``, private ones (by prefix) in
    ``PRIVATE_MEDIA_ROOT`` under random names."""

    def make_private(self) -> PrivateStorage:
        return PrivateStorage()


def _content_disposition(download_name: str, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = download_name.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download_name)}"


def _private_headers(response: HttpResponse, download_name: str, inline: bool) -> HttpResponse:
    response["Content-Disposition"] = _content_disposition(download_name, inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def file_response(
    request,
    path: str | os.PathLike,
    *,
    download_name: str,
    content_type: str | None = None,
    inline: bool = False,
) -> HttpResponse:
    """Send a private file on local disk whose access was checked, the way
    ``PRIVATE_FILES_SERVER`` says.

    ``"nginx"``: an empty response with ``X-Accel-Redirect: <PRIVATE_FILES_INTERNAL_URL>
    <name>`` (an ``internal`` nginx location that aliases ``PRIVATE_MEDIA_ROOT``);
    ``"apache"``: ``X-Sendfile: <absolute path>`` (mod_xsendfile); ``"django"`` (the
    default): Django streams the file itself.
    """
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    full = Path(path).resolve()
    if root not in full.parents or not full.is_file():
        raise Http404("No such file.")
    if content_type is None:
        content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
    server = getattr(settings, "PRIVATE_FILES_SERVER", "django")
    if server == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = settings.PRIVATE_FILES_INTERNAL_URL.rstrip("/") + "/"
        response["X-Accel-Redirect"] = iri_to_uri(prefix + quote(full.relative_to(root).as_posix()))
    elif server == "apache":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = str(full)
    else:
        response = FileResponse(full.open("rb"), content_type=content_type)
    return _private_headers(response, download_name, inline)


def storage_file_response(
    request,
    storage,
    name: str,
    *,
    download_name: str,
    content_type: str | None = None,
    inline: bool = False,
) -> HttpResponse:
    """Send a private file of ``storage`` whose access was checked: from local disk as
    :func:`file_response` says, from object storage streamed by Django or, with
    ``PRIVATE_FILES_SERVER=redirect``, by a redirect to a signed link that soon expires."""
    if not is_private_name(name):
        raise Http404("No such file.")
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None:
        return file_response(
            request, path, download_name=download_name, content_type=content_type, inline=inline
        )
    if content_type is None:
        content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    private = getattr(storage, "private", storage)
    if not private.exists(name):
        raise Http404("No such file.")
    if getattr(settings, "PRIVATE_FILES_SERVER", "django") == "redirect":
        response = HttpResponseRedirect(
            private.signed_url(
                name,
                content_disposition=_content_disposition(download_name, inline),
                content_type=content_type,
            )
        )
        response["Referrer-Policy"] = "no-referrer"
    else:
        response = FileResponse(private.open(name, "rb"), content_type=content_type)
    return _private_headers(response, download_name, inline)


def move_into_private_storage(document) -> bool:
    """A document whose file still lies in MEDIA_ROOT moves to private storage under a
    random name (documents uploaded before private storage existed). True when moved."""
    name = document.file.name
    if not name:
        return False
    public = Path(settings.MEDIA_ROOT) / name
    storage = document.file.storage
    if storage.exists(name) and not public.is_file():
        return False  # already private
    if not public.is_file():
        return False  # lost file: nothing to move
    prefixed = name if is_private_name(name) else f"{private_prefixes()[0]}{Path(name).name}"
    with public.open("rb") as handle:
        new_name = storage.save(prefixed, handle)
    type(document).objects.filter(pk=document.pk).update(file=new_name)
    document.file.name = new_name
    public.unlink()
    return True


def download_name(document) -> str:
    """The title with the file's extension: the stored name is random."""
    suffix = PurePosixPath(document.file.name).suffix
    title = (document.title or "document").replace("/", "-").replace("\\", "-").strip()
    return title if title.lower().endswith(suffix.lower()) else f"{title}{suffix}"


def serve_document(request, document_id: int, document_filename: str):
    """Wagtail's document URL (``/documents/<id>/<name>``), served as a private file.

    Every ``before_serve_document`` hook runs first, as in Wagtail's own view (its collection
    restrictions, the working groups' guard); the first that answers refuses access.
    """
    from django.shortcuts import get_object_or_404
    from wagtail import hooks
    from wagtail.documents import get_document_model
    from wagtail.documents.models import document_served

    Document = get_document_model()
    try:
        document = get_object_or_404(Document, id=document_id)
    except (OverflowError, ValueError) as error:
        raise Http404 from error
    if document.filename != document_filename:
        raise Http404("This document does not match the given filename.")
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    document_served.send(sender=Document, instance=document, request=request)
    if not document.file.name:
        raise Http404("The document has no file.")
    return storage_file_response(
        request,
        document.file.storage,
        document.file.name,
        download_name=download_name(document),
        content_type=document.content_type,
        inline=document.content_disposition.startswith("inline"),
    )
