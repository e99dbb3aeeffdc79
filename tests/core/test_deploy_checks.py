"""`manage.py check --deploy` under production settings refuses development values, each
with a message that says what to set (and the Procfile's release step runs it)."""

from __future__ import annotations

import pytest

from tests.core.test_settings import ROOT, _manage, production_env

CASES = [
    ("ANYMAIL_WEBHOOK_SECRET", "", "treffpunkt.E001", "Set ANYMAIL_WEBHOOK_SECRET"),
    ("ANYMAIL_WEBHOOK_SECRET", "postmark:short", "treffpunkt.E001", "Set ANYMAIL_WEBHOOK_SECRET"),
    ("WAGTAILADMIN_BASE_URL", None, "treffpunkt.E002", "Set WAGTAILADMIN_BASE_URL"),
    ("WAGTAILADMIN_BASE_URL", "http://integration.beckum.de", "treffpunkt.E002", "https"),
    ("DEFAULT_FROM_EMAIL", None, "treffpunkt.E003", "Set DEFAULT_FROM_EMAIL"),
    ("DEFAULT_FROM_EMAIL", "x@treffpunkt.example", "treffpunkt.E003", "Set DEFAULT_FROM_EMAIL"),
    ("DATABASE_URL", None, "treffpunkt.E004", "Set DATABASE_URL"),
    ("DATABASE_URL", "", "treffpunkt.E004", "Set DATABASE_URL"),
    ("FORWARDED_ALLOW_IPS", None, "treffpunkt.E005", "Set FORWARDED_ALLOW_IPS"),
]


@pytest.mark.parametrize(("name", "value", "check_id", "hint"), CASES)
def test_check_deploy_fails_on_a_development_value(tmp_path, name, value, check_id, hint):
    env = production_env(tmp_path)
    if value is None:
        env.pop(name)
    else:
        env[name] = value
    result = _manage("check", "--deploy", "--fail-level", "ERROR", env_extra=env)
    assert result.returncode != 0, result.stdout
    assert check_id in result.stderr and hint in result.stderr, result.stderr
    # only this one value is wrong
    assert result.stderr.count("treffpunkt.E") == 1, result.stderr


def test_forwarded_allow_ips_star_is_a_warning(tmp_path):
    env = {**production_env(tmp_path), "FORWARDED_ALLOW_IPS": "*"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0 and "treffpunkt.W002" in result.stderr


def test_the_release_step_runs_the_deploy_checks_and_web_trusts_only_named_proxies():
    procfile = (ROOT / "Procfile").read_text()
    release = next(line for line in procfile.splitlines() if line.startswith("release:"))
    assert "check --deploy --fail-level ERROR &&" in release
    web = next(line for line in procfile.splitlines() if line.startswith("web:"))
    assert '--forwarded-allow-ips "${FORWARDED_ALLOW_IPS' in web and "--proxy-headers" in web
