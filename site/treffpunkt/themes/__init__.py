"""Themes: one folder each in ``themes/``, chosen per Wagtail site.

A theme folder holds ``theme.toml`` (name, colours, logo), ``templates/`` that override any
template of the core or of a plugin, and ``static/themes/<folder>/`` for its own files.
The theme of the current request lives in a context variable set by ``SiteMiddleware``:
it is per request (and per task), never a process-wide global.
"""

from __future__ import annotations

import contextvars
import functools
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

current_theme: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "treffpunkt_current_theme", default=None
)


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    path: Path
    colours: dict[str, str] = field(default_factory=dict)
    logo: str = ""
    description: str = ""

    @property
    def templates_dir(self) -> Path:
        return self.path / "templates"

    @property
    def static_dir(self) -> Path:
        return self.path / "static"


def themes_dir() -> Path:
    return Path(settings.THEMES_DIR)


#: how often a process looks at a theme's ``theme.toml`` again (seconds)
THEME_CHECK_SECONDS = 2.0
#: (themes directory, slug) -> (when last looked at, the file's modification time or None)
_checked: dict[tuple[str, str], tuple[float, int | None]] = {}


def load_theme(slug: str) -> Theme | None:
    """The theme ``slug`` (None when it has no ``theme.toml``), read again when the file
    changes: a process looks at the file at most every :data:`THEME_CHECK_SECONDS` (every
    page asks for its theme, and a look at the disk in the middle of a render handed the
    interpreter to another thread and waited for it back)."""
    path = themes_dir() / slug
    now = time.monotonic()
    key = (str(path.parent), slug)
    seen = _checked.get(key)
    if seen is not None and now - seen[0] < THEME_CHECK_SECONDS:
        changed = seen[1]
    else:
        try:
            changed = (path / "theme.toml").stat().st_mtime_ns
        except OSError:
            changed = None
        _checked[key] = (now, changed)
    if changed is None:
        return None
    return _read_theme(slug, path, changed)


@functools.lru_cache(maxsize=64)
def _read_theme(slug: str, path: Path, _changed: int) -> Theme | None:
    """A theme's ``theme.toml`` read once per version of the file (a page asked for the
    active theme five times per render, each time from the disk)."""
    meta_file = path / "theme.toml"
    if not meta_file.is_file():
        return None
    meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
    return Theme(
        slug=slug,
        name=meta.get("name", slug),
        path=path,
        colours=meta.get("colours", {}),
        logo=meta.get("logo", ""),
        description=meta.get("description", ""),
    )


def available_themes() -> list[Theme]:
    found = [load_theme(p.name) for p in sorted(themes_dir().iterdir()) if p.is_dir()]
    return [t for t in found if t is not None]


def theme_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in available_themes()]


def active_theme_slug() -> str:
    return current_theme.get() or settings.DEFAULT_THEME


def get_active_theme() -> Theme:
    return load_theme(active_theme_slug()) or load_theme(settings.DEFAULT_THEME)
