"""Production settings pass Django's deploy checks; defaults need no service."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_extra=None):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"PYTHONPATH": f"{ROOT / 'site'}:{ROOT}", **(env_extra or {})})
    return subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def production_env(tmp_path) -> dict[str, str]:
    """What a production deployment sets (README, "Configuration")."""
    return {
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "integration.beckum.de",
        "TREFFPUNKT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://treffpunkt:secret@db.internal:5432/treffpunkt",
        "WAGTAILADMIN_BASE_URL": "https://integration.beckum.de",
        "DEFAULT_FROM_EMAIL": "Treffpunkt Beckum <treffpunkt@beckum.de>",
        "ANYMAIL_WEBHOOK_SECRET": "postmark:" + secrets.token_urlsafe(24),
        "FORWARDED_ALLOW_IPS": "10.0.0.5",
    }


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env_extra=production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage(
        "check",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings.production",
            "SECRET_KEY": "",
            "TREFFPUNKT_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_sends_security_headers(client, settings, site):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/suche/", HTTP_HOST="beckum.test", secure=True)
    assert "Content-Security-Policy" in response.headers
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_redis_url_switches_cache_channels_tasks_and_sessions(tmp_path):
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CHANNEL_LAYERS['default']['BACKEND'], s.TASKS['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "TREFFPUNKT_VAR_DIR": str(tmp_path),
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
    }
    plain = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "REDIS_URL": ""},
        check=True,
    )
    assert plain.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "treffpunkt.core.layers.LocalChannelLayer",
        "django_tasks_db.DatabaseBackend",
        "django.contrib.sessions.backends.db",
    ]
    redis = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "REDIS_URL": "redis://127.0.0.1:6379/9"},
        check=True,
    )
    assert redis.stdout.split() == [
        "treffpunkt.core.rediscache.RedisCache",
        "channels_redis.core.RedisChannelLayer",
        "django_tasks_rq.RQBackend",
        "treffpunkt.accounts.sessions",
    ]


def test_every_model_change_has_its_migration(tmp_path):
    result = _manage(
        "makemigrations",
        "--check",
        "--dry-run",
        env_extra={
            "TREFFPUNKT_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_empty_service_urls_mean_the_defaults(tmp_path):
    """An empty DATABASE_URL or EMAIL_URL (as left by `VAR=` in a shell) is the default."""
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.EMAIL_BACKEND)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "treffpunkt.settings",
        "TREFFPUNKT_VAR_DIR": str(tmp_path),
        "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}",
        "DATABASE_URL": "",
        "EMAIL_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(tmp_path / "treffpunkt.sqlite3"),
        "treffpunkt.core.demomail.EmailBackend",  # the console, each mail framed
    ]


def test_several_web_processes_without_redis_are_warned_about(settings, monkeypatch):
    from treffpunkt.core.checks import several_web_processes_share_redis

    settings.REDIS_URL = ""
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    warnings = several_web_processes_share_redis()
    assert [w.id for w in warnings] == ["treffpunkt.W001"]
    assert "REDIS_URL" in warnings[0].msg
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert several_web_processes_share_redis() == []
    settings.REDIS_URL = ""
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert several_web_processes_share_redis() == []


def test_the_demo_prints_each_mail_as_one_framed_block_with_its_text():
    import io

    from django.core.mail import EmailMultiAlternatives

    from treffpunkt.core.demomail import EmailBackend

    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "Bitte bestätigen", "Hallo!\nhttps://beckum.test/x/", to=["gast@example.org"]
    )
    message.attach_alternative("<p>Hallo!</p>", "text/html")
    EmailBackend(stream=stream).send_messages([message])
    out = stream.getvalue()
    assert "✉  MAIL to gast@example.org" in out and "Subject: Bitte bestätigen" in out
    assert "  https://beckum.test/x/" in out
    assert "<p>" not in out and "Content-Type" not in out  # no MIME, no HTML
