"""Backup and restore as an operator runs them: `manage.py backup`, then `manage.py restore`
into a new, empty database, and every row and file must be back."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from treffpunkt.core.backup import read_manifest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), *args],
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
            "REDIS_URL": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def pg_rows(name: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(pg_url(name)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: [tuple(map(str, row)) for row in conn.execute(f'SELECT * FROM "{table}"')]  # noqa: S608
            for table in tables
        }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_demo_backed_up_and_restored_row_for_row(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("this round trip runs on PostgreSQL; the SQLite one is below")
    import psycopg

    from tests.conftest import ensure_wagtail_roots
    from treffpunkt import demo

    ensure_wagtail_roots()
    demo.load(port=8000)
    media = tmp_path / "media"
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "protokoll.pdf").write_bytes(b"%PDF-1.4 minutes")
    source = settings.DATABASES["default"]["NAME"]
    archive = tmp_path / "backup.tar.gz"

    made = manage(
        "backup",
        "--output",
        str(archive),
        env={"DATABASE_URL": pg_url(source), "MEDIA_ROOT": str(media)},
    )
    assert made.returncode == 0, made.stderr
    assert archive.exists()
    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["files"]["media"] == 1
    assert ["events", "0001_initial"] in manifest["migrations"]

    target = f"{source}_restored"
    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
        conn.execute(f'CREATE DATABASE "{target}"')
    try:
        restored_media = tmp_path / "restored-media"
        done = manage(
            "restore",
            str(archive),
            env={"DATABASE_URL": pg_url(target), "MEDIA_ROOT": str(restored_media)},
        )
        assert done.returncode == 0, done.stderr
        before, after = pg_rows(source), pg_rows(target)
        assert before.keys() == after.keys()
        for table in ("wagtailcore_page", "events_registration", "accounts_user"):
            assert before[table], f"the demo should have rows in {table}"
        for table, rows in before.items():
            assert sorted(after[table]) == sorted(rows), f"{table} differs after the restore"
        assert (restored_media / "documents" / "protokoll.pdf").read_bytes() == b"%PDF-1.4 minutes"

        # A second restore into the now full database is refused and changes nothing.
        again = manage("restore", str(archive), env={"DATABASE_URL": pg_url(target)})
        assert again.returncode != 0
        assert "not empty" in again.stderr
        assert pg_rows(target) == after
    finally:
        with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def sqlite_rows(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}  # noqa: S608
    finally:
        conn.close()


def test_sqlite_round_trip_and_refusals(tmp_path):
    source, target = tmp_path / "site.sqlite3", tmp_path / "restored.sqlite3"
    media = tmp_path / "media"
    (media / "images").mkdir(parents=True)
    (media / "images" / "fest.jpg").write_bytes(b"\xff\xd8 picture")
    env = {"DATABASE_URL": f"sqlite:///{source}", "MEDIA_ROOT": str(media)}
    migrated = manage("migrate", "--no-input", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    archive = tmp_path / "backup.tar.gz"
    made = manage("backup", "--output", str(archive), env=env)
    assert made.returncode == 0, made.stderr

    restored_media = tmp_path / "restored-media"
    done = manage(
        "restore",
        str(archive),
        env={"DATABASE_URL": f"sqlite:///{target}", "MEDIA_ROOT": str(restored_media)},
    )
    assert done.returncode == 0, done.stderr
    before = sqlite_rows(source)
    assert before["wagtailcore_page"], "migrations make the root page"
    assert sqlite_rows(target) == before
    assert (restored_media / "images" / "fest.jpg").read_bytes() == b"\xff\xd8 picture"

    # Into a database that is not empty: refused, with a message that says what to do.
    refused = manage("restore", str(archive), env={"DATABASE_URL": f"sqlite:///{target}"})
    assert refused.returncode != 0
    assert "not empty" in refused.stderr

    # An archive with a path that leaves the folder is refused before anything is written.
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as good, tarfile.open(evil, "w:gz") as bad:
        for member in good.getmembers():
            bad.addfile(member, good.extractfile(member) if member.isfile() else None)
        payload = b"owned"
        info = tarfile.TarInfo("../../outside.txt")
        info.size = len(payload)
        bad.addfile(info, io.BytesIO(payload))
    empty = tmp_path / "empty.sqlite3"
    rejected = manage("restore", str(evil), env={"DATABASE_URL": f"sqlite:///{empty}"})
    assert rejected.returncode != 0
    assert "unsafe entry" in rejected.stderr
    assert not (tmp_path.parent / "outside.txt").exists()

    # Not a backup at all.
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    assert "not a Treffpunkt backup" in manage("restore", str(junk), env=env).stderr
