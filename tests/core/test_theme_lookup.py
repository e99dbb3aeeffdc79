"""A theme's ``theme.toml`` is looked at on disk at most every few seconds per process
(issue 15: every render stat'ed it, a system call that handed the interpreter to another
thread under load), and a changed file is still picked up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from treffpunkt import themes


@pytest.fixture
def theme_dir(tmp_path, settings, monkeypatch):
    settings.THEMES_DIR = str(tmp_path)
    folder = tmp_path / "stadt"
    folder.mkdir()
    (folder / "theme.toml").write_text('name = "Stadt"\n', encoding="utf-8")
    clock = [1000.0]
    monkeypatch.setattr(themes.time, "monotonic", lambda: clock[0])
    return folder, clock


def test_the_disk_is_asked_at_most_every_few_seconds(theme_dir, monkeypatch):
    folder, clock = theme_dir
    looked = []
    real_stat = Path.stat

    def counting(self, *args, **kwargs):
        if self.name == "theme.toml":
            looked.append(self)
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", counting)
    assert themes.load_theme("stadt").name == "Stadt"
    looked.clear()
    for _ in range(5):
        assert themes.load_theme("stadt").name == "Stadt"
    assert looked == []
    clock[0] += themes.THEME_CHECK_SECONDS + 0.1
    themes.load_theme("stadt")
    assert len(looked) == 1


def test_a_changed_file_is_read_again(theme_dir):
    folder, clock = theme_dir
    assert themes.load_theme("stadt").name == "Stadt"
    meta = folder / "theme.toml"
    meta.write_text('name = "Stadt neu"\n', encoding="utf-8")
    later = meta.stat().st_mtime_ns + 5_000_000_000
    os.utime(meta, ns=(later, later))
    assert themes.load_theme("stadt").name == "Stadt"  # within the interval: as it was
    clock[0] += themes.THEME_CHECK_SECONDS + 0.1
    assert themes.load_theme("stadt").name == "Stadt neu"


def test_a_missing_theme_is_none(theme_dir):
    assert themes.load_theme("gibt-es-nicht") is None
