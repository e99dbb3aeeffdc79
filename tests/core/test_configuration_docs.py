"""Every environment variable the code reads is documented once, in docs/configuration.md,
and the documentation names no variable that nothing reads any more."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "configuration.md"

QUOTED = r"""["']([A-Z][A-Z0-9_]*)["']"""
PYTHON_READS = [
    re.compile(pattern + QUOTED)
    for pattern in (
        r"\benv\.(?:str|bool|int|float|list|json|dict|url|db_url|path|email_url|cache_url)\(\s*",
        r"\benv\(\s*",
        r"Env\(\)\.\w+\(\s*",
        r"os\.environ\.(?:get|setdefault|pop)\(\s*",
        r"os\.environ\[\s*",
        r"os\.getenv\(\s*",
    )
]
SHELL_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?[-+=?][^}]*)?\}")
# Read by the tools we start rather than by our code; documented all the same.
READ_BY_TOOLS = {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"}
# Plumbing, not configuration.
NOT_CONFIGURATION = {"PYTHONPATH"}


def variables_read() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for folder in ("site", "events", "networks", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or path.name == "test.py":
                continue
            text = path.read_text()
            for pattern in PYTHON_READS:
                for match in pattern.finditer(text):
                    found.setdefault(match.group(1), set()).add(str(path.relative_to(ROOT)))
    for path in [*sorted((ROOT / "bin").iterdir()), ROOT / "Procfile"]:
        if path.is_file():
            for match in SHELL_READS.finditer(path.read_text()):
                found.setdefault(match.group(1), set()).add(str(path.relative_to(ROOT)))
    for name in NOT_CONFIGURATION:
        found.pop(name, None)
    return found


def variables_documented() -> list[str]:
    rows = re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", DOCS.read_text(), flags=re.MULTILINE)
    return rows


def test_every_variable_the_code_reads_is_documented():
    documented = set(variables_documented())
    missing = {
        name: sorted(where) for name, where in variables_read().items() if name not in documented
    }
    assert not missing, f"add these to docs/configuration.md: {missing}"


def test_each_variable_is_documented_once_and_still_read():
    documented = variables_documented()
    twice = sorted({name for name in documented if documented.count(name) > 1})
    assert not twice, f"documented more than once: {twice}"
    stale = set(documented) - set(variables_read()) - READ_BY_TOOLS
    assert not stale, f"documented but read nowhere: {sorted(stale)}"


def test_the_scan_finds_what_it_should():
    # The scan itself must see reads in settings, in code and in scripts.
    found = variables_read()
    assert "DATABASE_URL" in found and "site/treffpunkt/settings/base.py" in found["DATABASE_URL"]
    assert "REDIS_URL" in found and "bin/worker" in found["REDIS_URL"]
    assert "PORT" in found and "Procfile" in found["PORT"]
