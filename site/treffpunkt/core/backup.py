"""Backup and restore of one installation: its database and its files, in one archive.

An archive (``.tar.gz``) holds

- ``manifest.json``: when and from what it was made (Treffpunkt, Django and Wagtail
  versions, database vendor, the applied migrations, the files it carries);
- ``database.dump`` (PostgreSQL, ``pg_dump`` custom format, without owners and grants, so it
  restores under another role) or ``database.sqlite3`` (SQLite, a consistent copy made with
  SQLite's online backup, safe while the site runs);
- ``files/<storage>/…``: the uploaded files, ``media`` (public) and ``private``, from the local
  folders or, with ``MEDIA_STORAGE=s3``, from the two buckets (an archive of one kind restores
  into the other as well).

A restore goes into an empty database only: restoring over a live database would mix two
states, and a refusal is easier to understand than a half-restored site. The database
vendor must be the one the archive was made from (moving between SQLite and PostgreSQL is a
migration, not a restore: see docs/deploy.md).
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def file_roots() -> dict[str, Path]:
    """The local folders that hold uploaded files, by a stable name used in the archive
    (none when uploads live in object storage)."""
    if getattr(settings, "MEDIA_STORAGE", "local") == "s3":
        return {}
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        roots["private"] = Path(private)
    return roots


def object_stores() -> dict:
    """The buckets that hold uploaded files with ``MEDIA_STORAGE=s3``, by the same names."""
    if getattr(settings, "MEDIA_STORAGE", "local") != "s3":
        return {}
    from storages.backends.s3 import S3Storage

    from .objectstorage import PrivateObjectStorage

    return {
        "media": S3Storage(**settings.STORAGES["default"].get("OPTIONS", {})),
        "private": PrivateObjectStorage(),
    }


def _object_names(storage, folder: str = "") -> list[str]:
    directories, files = storage.listdir(folder)
    names = [posixpath.join(folder, name) for name in files]
    for directory in directories:
        names += _object_names(storage, posixpath.join(folder, directory))
    return names


def _applied_migrations() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL client tools, the password in the environment."""
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _client_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        # Debian keeps the tools of each version in its own folder; take the newest.
        candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
        if not candidates:
            raise BackupError(
                f"{name} was not found: install the PostgreSQL client tools "
                "(Debian: apt-get install postgresql-client)."
            )
        found = str(candidates[-1])
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _dump_database(target: Path) -> str:
    vendor = connection.vendor
    if vendor == "postgresql":
        args, env = _pg_env()
        _run(
            [
                _client_tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--no-acl",
                "--file",
                str(target / "database.dump"),
                str(settings.DATABASES["default"]["NAME"]),
            ],
            env,
        )
        return "database.dump"
    if vendor == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        copy = sqlite3.connect(str(target / "database.sqlite3"))
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return "database.sqlite3"
    raise BackupError(f"Backups of {vendor} databases are not supported.")


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def backup(output: Path) -> BackupResult:
    """Write one archive of the database and the uploaded files to ``output``."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="treffpunkt-backup-") as work:
        work_dir = Path(work)
        database_file = _dump_database(work_dir)
        files: dict[str, int] = {}
        for name, root in file_roots().items():
            files[name] = sum(1 for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0
        objects = {name: _object_names(store) for name, store in object_stores().items()}
        files.update({name: len(names) for name, names in objects.items()})
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": {
                "treffpunkt": _version("treffpunkt"),
                "django": _version("django"),
                "wagtail": _version("wagtail"),
            },
            "database": {"vendor": connection.vendor, "file": database_file},
            "migrations": _applied_migrations(),
            "files": files,
            "storage": getattr(settings, "MEDIA_STORAGE", "local"),
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(work_dir / database_file, arcname=database_file)
            for name, root in file_roots().items():
                if root.is_dir():
                    archive.add(root, arcname=f"files/{name}")
            stores = object_stores()
            for name, names in objects.items():
                for key in names:
                    info = tarfile.TarInfo(f"files/{name}/{key}")
                    info.size = stores[name].size(key)
                    info.mtime = int(stores[name].get_modified_time(key).timestamp())
                    with stores[name].open(key, "rb") as handle:
                        archive.addfile(info, handle)
        # Written under another name first: a backup cut short never looks complete.
        partial.replace(output)
    return BackupResult(path=output, manifest=manifest)


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive_path} is not a Treffpunkt backup: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _restore_database(extracted: Path, manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup was made from {vendor}, this installation uses {connection.vendor}: "
            "restore into the same kind of database."
        )
    if not _database_is_empty():
        raise BackupError(
            "The database is not empty. Restore into a new, empty database "
            "(set DATABASE_URL to it) so that no two states are mixed."
        )
    dump = extracted / manifest["database"]["file"]
    if vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(
            [
                _client_tool("pg_restore"),
                *args,
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--dbname",
                str(settings.DATABASES["default"]["NAME"]),
                str(dump),
            ],
            env,
        )
    else:
        connection.close()
        source = sqlite3.connect(str(dump))
        target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"The archive holds an unsafe entry: {member.name}")
        members.append(member)
    return members


def restore(archive_path: Path) -> dict:
    """Bring an archive back into an empty database and the storage folders or buckets;
    returns its manifest. Files already stored under the same name are replaced."""
    archive_path = Path(archive_path)
    manifest = read_manifest(archive_path)
    with tempfile.TemporaryDirectory(prefix="treffpunkt-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work_dir, members=_safe_members(archive), filter="data")
        _restore_database(work_dir, manifest)
        for name, root in file_roots().items():
            source = work_dir / "files" / name
            if source.is_dir():
                root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(source, root, dirs_exist_ok=True)
        for name, store in object_stores().items():
            source = work_dir / "files" / name
            for path in sorted(source.rglob("*")) if source.is_dir() else []:
                if path.is_file():
                    with path.open("rb") as handle:
                        # under its own name (not a new random one): the database names it
                        store._save(path.relative_to(source).as_posix(), File(handle))
    return manifest
