"""System checks of the deployment (``manage.py check``)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(deploy=False)
def several_web_processes_share_redis(app_configs=None, **kwargs) -> list[Warning]:
    """uvicorn starts WEB_CONCURRENCY processes; without Redis each has its own cache and
    channel layer, so a chat message reaches only sockets of the process it came through
    and a cached page may show a change made in another process only after it expires."""
    try:
        processes = int(os.environ.get("WEB_CONCURRENCY") or 1)
    except ValueError:
        processes = 1
    if processes > 1 and not getattr(settings, "REDIS_URL", ""):
        return [
            Warning(
                f"WEB_CONCURRENCY={processes} starts several web processes, but REDIS_URL is "
                "not set: chat messages reach only the sockets of one process and cached "
                "pages may stay stale for up to PAGE_CACHE_SECONDS.",
                hint="Set REDIS_URL, or run one web process.",
                id="treffpunkt.W001",
            )
        ]
    return []


# --- production: values that must not stay at their development defaults ----------------
# Run by `manage.py check --deploy` (the Procfile's release step runs it and stops the
# release on an error). Each message says what to set.

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", ".localhost", ".test", "example.")


def _local(value: str) -> bool:
    value = value.lower()
    return any(part in value for part in _LOCAL_HOSTS)


@register(Tags.security, deploy=True)
def production_values(app_configs=None, **kwargs) -> list[Error | Warning]:
    from urllib.parse import urlsplit

    errors: list[Error | Warning] = []
    secret = (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET") or ""
    user, colon, password = secret.partition(":")
    if not (user and colon and len(password) >= 16):
        errors.append(
            Error(
                "ANYMAIL_WEBHOOK_SECRET is not set (or its password is shorter than 16 "
                "characters): the mail provider's bounce webhooks under /anymail/ stay off, "
                "and with a weak secret anyone could report subscribers as bounced.",
                hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:long-random-password' and give the "
                "same credentials to the mail provider's webhook URL.",
                id="treffpunkt.E001",
            )
        )
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.hostname or _local(parts.hostname):
        errors.append(
            Error(
                f"WAGTAILADMIN_BASE_URL is {base_url!r}: links in the admin's notification "
                "mails would point to a development address.",
                hint="Set WAGTAILADMIN_BASE_URL to the site's public https address, e.g. "
                "https://integration.beckum.de",
                id="treffpunkt.E002",
            )
        )
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", "") or ""
    domain = sender.rsplit("@", 1)[-1].rstrip(">").strip() if "@" in sender else ""
    if not domain or "." not in domain or _local(domain) or domain.endswith(".example"):
        errors.append(
            Error(
                f"DEFAULT_FROM_EMAIL is {sender!r}: mail from this address is rejected or "
                "lands in spam.",
                hint="Set DEFAULT_FROM_EMAIL to an address of the town's own mail domain, e.g. "
                "'Treffpunkt Beckum <treffpunkt@beckum.de>'.",
                id="treffpunkt.E003",
            )
        )
    engine = settings.DATABASES.get("default", {}).get("ENGINE", "")
    if "sqlite" in engine:
        errors.append(
            Error(
                "The database is SQLite (DATABASE_URL is not set): production data would sit "
                "in one local file that Procfile platforms wipe.",
                hint="Set DATABASE_URL to PostgreSQL, e.g. postgres://user:password@host/db",
                id="treffpunkt.E004",
            )
        )
    errors.extend(_proxy_errors())
    return errors


def _proxy_errors() -> list[Error | Warning]:
    """Per-IP limits (logins, sign-ups, password resets) must count real clients: uvicorn
    takes the client's address from X-Forwarded-For only when the request comes from one of
    FORWARDED_ALLOW_IPS (the Procfile passes it to --forwarded-allow-ips)."""
    allowed = os.environ.get("FORWARDED_ALLOW_IPS", "").strip()
    if not allowed:
        return [
            Error(
                "FORWARDED_ALLOW_IPS is not set: behind a reverse proxy on another host every "
                "visitor has the proxy's address, so one visitor's failed logins or sign-ups "
                "lock out everyone.",
                hint="Set FORWARDED_ALLOW_IPS to the address(es) of your reverse proxy, comma "
                "separated (127.0.0.1 when it runs on the same host). See README, 'Proxies'.",
                id="treffpunkt.E005",
            )
        ]
    if "*" in allowed.split(","):
        return [
            Warning(
                "FORWARDED_ALLOW_IPS=* trusts X-Forwarded-For from anyone: a client that "
                "reaches uvicorn directly can pick its own address and escape per-IP limits.",
                hint="Use '*' only when the web process is reachable through the platform's "
                "router alone; otherwise list the proxy's addresses.",
                id="treffpunkt.W002",
            )
        ]
    return []


# --- uploads: local folders or object storage -------------------------------------------
# Checked on every start, not only with --deploy: a mistyped storage setting would put
# uploads where nobody looks for them, or private files where anyone may read them.


@register()
def media_storage(app_configs=None, **kwargs) -> list[Error | Warning]:
    kind = getattr(settings, "MEDIA_STORAGE", "local")
    server = getattr(settings, "PRIVATE_FILES_SERVER", "django")
    if kind not in ("local", "s3"):
        return [
            Error(
                f"MEDIA_STORAGE is {kind!r}: uploads would go nowhere anybody expects.",
                hint="Set MEDIA_STORAGE to 'local' (folders on this server) or 's3' "
                "(S3-compatible object storage).",
                id="treffpunkt.E006",
            )
        ]
    if server not in ("django", "nginx", "apache", "redirect"):
        return [
            Error(
                f"PRIVATE_FILES_SERVER is {server!r}.",
                hint="Use 'django', 'nginx' or 'apache' (local storage) or 'django' or "
                "'redirect' (object storage).",
                id="treffpunkt.E007",
            )
        ]
    if kind == "local":
        if server == "redirect":
            return [
                Warning(
                    "PRIVATE_FILES_SERVER=redirect needs object storage: with local storage "
                    "Django sends private files itself.",
                    hint="Use 'nginx' or 'apache' to let the web server send them.",
                    id="treffpunkt.W003",
                )
            ]
        return []
    return _object_storage_errors(server)


def _object_storage_errors(server: str) -> list[Error | Warning]:
    public = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name") or ""
    private = (getattr(settings, "PRIVATE_OBJECT_STORAGE", None) or {}).get("bucket_name") or ""
    errors: list[Error | Warning] = []
    if not public or not private:
        errors.append(
            Error(
                "MEDIA_STORAGE=s3 needs two buckets: S3_BUCKET (public files) and "
                "S3_PRIVATE_BUCKET (private files).",
                hint="Create both at the provider and set S3_BUCKET and S3_PRIVATE_BUCKET.",
                id="treffpunkt.E008",
            )
        )
    elif public == private:
        errors.append(
            Error(
                f"S3_BUCKET and S3_PRIVATE_BUCKET are both {public!r}: the public bucket "
                "allows anonymous reads, so private files would be readable by anyone who "
                "guesses a name.",
                hint="Use a second bucket without public access for S3_PRIVATE_BUCKET.",
                id="treffpunkt.E009",
            )
        )
    if server in ("nginx", "apache"):
        errors.append(
            Warning(
                f"PRIVATE_FILES_SERVER={server} sends files from local disk; with object "
                "storage Django streams private files instead.",
                hint="Use 'redirect' to send visitors to a short-lived signed link, or 'django'.",
                id="treffpunkt.W004",
            )
        )
    return errors
