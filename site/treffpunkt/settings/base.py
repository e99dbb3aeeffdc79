"""Settings shared by every deployment.

Every value that differs between deployments is read from the environment (12-factor);
the defaults make ``make run`` work on a fresh machine with no other service.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE

from treffpunkt.core.logs import logging_config
from treffpunkt.plugins.discovery import plugin_app_names  # noqa: F401 (test settings use it)

# site/treffpunkt/settings/base.py -> repository root
BASE_DIR = Path(__file__).resolve().parents[3]
PROJECT_DIR = BASE_DIR / "site" / "treffpunkt"
VAR_DIR = Path(environ.Env().str("TREFFPUNKT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _default_secret_key() -> str:
    """A key kept in var/ so that sessions survive restarts of the demo."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# DEBUG: show Django's debug pages. Off unless asked for, so the demo shows the theme's 404/500.
DEBUG: bool = env.bool("DEBUG", default=False)
# SECRET_KEY: signs sessions and tokens. Production must set it; the demo keeps one in var/.
SECRET_KEY: str = env.str("SECRET_KEY", default="") or _default_secret_key()
# ALLOWED_HOSTS: host names this deployment answers to, comma separated.
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", ".localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# REDIS_URL: optional. When set, Redis carries the cache, the channel layer and the task queue.
REDIS_URL: str = env.str("REDIS_URL", default="")

# Plugins: built-in ones, plus any found through the entry-point group "treffpunkt.plugins",
# less those named in TREFFPUNKT_PLUGINS_EXCLUDE (comma separated labels or module names).
BUILTIN_PLUGINS: list[str] = [
    "plugins.meetings",
    "plugins.newsletter",
    "plugins.chat",
    "plugins.mentoring",
    "plugins.interpreters",
]
PLUGINS_EXCLUDE: list[str] = env.list("TREFFPUNKT_PLUGINS_EXCLUDE", default=[])
# Per-plugin settings, merged over each plugin's default_settings at start-up.
PLUGINS_CONFIG: dict[str, dict] = env.json("TREFFPUNKT_PLUGINS_CONFIG", default={})
PLUGIN_APPS: list[str] = plugin_app_names(BUILTIN_PLUGINS, PLUGINS_EXCLUDE)


def installed_apps(plugin_apps: list[str]) -> list[str]:
    """Core apps, then the plugins, then what they build on (templates of earlier apps win)."""
    return [
        "treffpunkt.core",
        "treffpunkt.accounts",
        "treffpunkt.plugins",
        "networks",
        "events",
        *plugin_apps,
        "wagtail_localize",
        "wagtail_localize.locales",
        "wagtail.contrib.forms",
        "wagtail.contrib.routable_page",
        "wagtail.contrib.redirects",
        "wagtail.contrib.settings",
        "wagtail.contrib.search_promotions",
        "wagtail.embeds",
        "wagtail.sites",
        "wagtail.users",
        "wagtail.snippets",
        "wagtail.documents",
        "wagtail.images",
        "wagtail.search",
        "wagtail.admin",
        "wagtail",
        "modelcluster",
        "taggit",
        "django_tasks",
        "django_tasks_db",
        "django_rq",
        "recurrence",
        "channels",
        "allauth",
        "allauth.account",
        "allauth.mfa",
        "allauth.usersessions",
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "django.contrib.sitemaps",
        "django.contrib.humanize",
    ]


INSTALLED_APPS = installed_apps(PLUGIN_APPS)

MIDDLEWARE = [
    # /healthz and /readyz answer before host checks and the HTTPS redirect (see the module).
    "treffpunkt.core.health.HealthCheckMiddleware",
    # a read that met a lost database connection is served once more (see the module)
    "treffpunkt.core.dbretry.RetryReadsMiddleware",
    # what a request asks the database more than once it asks once (see the module)
    "treffpunkt.core.requestmemo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "treffpunkt.core.badinput.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "treffpunkt.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "treffpunkt.core.pagecache.PageCacheMiddleware",
    "treffpunkt.core.middleware.SiteMiddleware",
    # Django's, with the person's row kept per process between requests (see the module)
    "treffpunkt.accounts.keptuser.KeptUserAuthenticationMiddleware",
    # a town's site settings only for that town's managers (towns are tenants)
    "treffpunkt.accounts.scope.SiteSettingsScopeMiddleware",
    "treffpunkt.core.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "treffpunkt.plugins.middleware.PluginURLMiddleware",
    "treffpunkt.accounts.middleware.RequireStaffMFAMiddleware",
    # one save of a page at a time: an autosave never overwrites the editor's own save
    "treffpunkt.core.editlock.PageSaveLockMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Wagtail's walk down the page tree, remembered per address (see the module)
    "treffpunkt.core.routing.RouteMemoMiddleware",
]

# READINESS_MAX_TASK_AGE: /readyz answers 503 when a due task has waited longer (seconds).
READINESS_MAX_TASK_AGE: int = env.int("READINESS_MAX_TASK_AGE", default=300)

# Public pages for visitors who are not logged in are kept this many seconds (0: off); any
# content change renders them again at once (treffpunkt/core/pagecache.py).
PAGE_CACHE_SECONDS: int = env.int("PAGE_CACHE_SECONDS", default=60)
# Apps and models whose changes never show on public pages: they leave the cache alone.
# Plugins declare their own in PluginConfig.page_cache_ignore.
PAGE_CACHE_IGNORE = [
    "sessions",
    "admin",
    "contenttypes",
    "django_tasks_database",
    "django_rq",
    "usersessions",
    "account",
    "mfa",
    "wagtailadmin",
    "wagtailsearch",
]
# Models whose changes come in crowds: they renew the cached pages at once, then at most
# every so many seconds (see treffpunkt.core.pagecache).
PAGE_CACHE_SETTLE = {"events.registration": env.float("PAGE_CACHE_SETTLE_SECONDS", default=5)}

# How many days past events stay in the iCalendar feeds (subscribed calendars keep history)
CALENDAR_FEED_PAST_DAYS: int = env.int("CALENDAR_FEED_PAST_DAYS", default=365)
# How long (seconds) a feed's version is trusted before it is asked again: a change reaches a
# polling calendar app after at most this long, and a poll in between costs no query.
CALENDAR_FEED_VERSION_SECONDS: int = env.int("CALENDAR_FEED_VERSION_SECONDS", default=60)

ROOT_URLCONF = "treffpunkt.urls"
WSGI_APPLICATION = "treffpunkt.wsgi.application"
ASGI_APPLICATION = "treffpunkt.asgi.application"

THEMES_DIR = BASE_DIR / "themes"
DEFAULT_THEME = "neutral"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "treffpunkt.core.context_processors.site_context",
            ],
            # The theme loader looks in the current site's theme first; the cache it sits in
            # keys every template by theme, so two sites in one process never mix themes.
            "loaders": [
                (
                    "treffpunkt.themes.loaders.ThemeCachedLoader",
                    [
                        "treffpunkt.themes.loaders.ThemeLoader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "builtins": ["treffpunkt.core.templatetags.treffpunkt_tags"],
        },
    },
]

# DATABASE_URL: PostgreSQL in production ("postgres://user:pass@host/db"); SQLite in var/ by default.
# An empty value counts as unset.
DATABASE_URL: str = (
    env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'treffpunkt.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN, so concurrent sign-ups queue instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    # A pool of connections per process (psycopg's), shared by the threads that serve
    # requests: under ASGI every request runs in its own thread, and persistent connections
    # piled up one per thread (one process held 70-89 backends for 8 concurrent requests),
    # while a new connection per request cost a connect and a login each time. A request
    # borrows a connection at its first query and gives it back when it ends; a process holds
    # at most DATABASE_POOL_SIZE (README, "Database connections"), a request beyond that waits
    # up to DATABASE_POOL_TIMEOUT seconds for one. 0 turns the pool off: a connection per
    # request (CONN_MAX_AGE=0) or per thread (CONN_MAX_AGE > 0).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASE_POOL_SIZE: int = env.int("DATABASE_POOL_SIZE", default=10)
    if DATABASE_POOL_SIZE > 0 and DATABASES["default"]["CONN_MAX_AGE"] == 0:
        if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            # checks each pooled connection on loan and replaces a dead one without the pool's
            # waits between checks (see the module); the pool's own check is off
            DATABASES["default"]["ENGINE"] = "treffpunkt.core.postgres"
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DATABASE_POOL_SIZE),
            "max_size": DATABASE_POOL_SIZE,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Requests of one web process in Django's work at once (treffpunkt.core.inflight): more
# threads than cores only queue at the interpreter's lock and at the locks they share, which
# costs CPU; the others wait their turn in the event loop, at most REQUESTS_IN_FLIGHT_WAIT
# seconds (then they go in anyway, so that slow requests never hold the process up).
REQUESTS_IN_FLIGHT: int = env.int("REQUESTS_IN_FLIGHT", default=4)
REQUESTS_IN_FLIGHT_WAIT: float = env.float("REQUESTS_IN_FLIGHT_WAIT", default=1.0)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "treffpunkt.core.rediscache.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times out socket reads after 5 s by default, the same 5 s that
            # channels-redis blocks waiting for a message: idle consumers then crashed and
            # their websockets dropped. Reads may wait longer than that blocking call.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # one process: the in-memory layer, with its expiry sweep made cheap (see the module)
    CHANNEL_LAYERS = {"default": {"BACKEND": "treffpunkt.core.layers.LocalChannelLayer"}}
# Whether every process (web, worker, scheduler) sees the same cache, and so the same chrome
# generation: only then may a process keep the view restrictions in its own memory
# (treffpunkt/core/restrictions.py); else it reads them once per request.
CACHE_SHARED_BY_PROCESSES: bool = bool(REDIS_URL)
# A signed-in person's session is read from the shared cache and written to it and to the
# database (which keeps it through a Redis restart): one query less on every page they open.
# It is read in the round trip that finds the site (treffpunkt.accounts.sessions).
# Without a shared cache the database alone holds it.
SESSION_ENGINE = (
    "treffpunkt.accounts.sessions"
    if CACHE_SHARED_BY_PROCESSES
    else "django.contrib.sessions.backends.db"
)

# Background work goes through the Tasks API: the database by default, RQ on Redis to scale out.
TASKS_BACKEND: str = env.str("TASKS_BACKEND", default="rq" if REDIS_URL else "database")
# Mail first: the worker serves these queues in this order (RQ: one queue after the other;
# the database backend: by the tasks' priority, see treffpunkt.core.tasks). "mail" carries
# mails a person waits for (confirmations, notifications), "newsletter" the bulk sends,
# "default" everything else (Wagtail's search index and renditions, housekeeping).
TASK_QUEUES = ["mail", "newsletter", "default"]
# RQ's worker runs these queues' jobs in its own process (one mail: no fork, no new database
# connection); the others' in a work horse forked for each job. "" forks for every job.
WORKER_IN_PROCESS_QUEUES: list[str] = env.list("WORKER_IN_PROCESS_QUEUES", default=["mail"])
# With Redis, RQ's queues use the cache's client and its connection pool (django-rq's
# USE_REDIS_CACHE; treffpunkt.core.rediscache): django-rq otherwise builds a client with a
# new pool for every job enqueued, a new connection to Redis for each sign-up's mail.
RQ_QUEUES = {
    name: {"USE_REDIS_CACHE": "default"} if REDIS_URL else {"URL": "redis://127.0.0.1:6379/0"}
    for name in TASK_QUEUES
}
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
elif TASKS_BACKEND == "immediate":
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": TASK_QUEUES,
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
# Periodic jobs run by the scheduler role (`manage.py scheduler`): command -> seconds between
# runs. Override with PERIODIC_JOBS='{"newsletter_tick": 30}' (merged into these).
PERIODIC_JOBS: dict[str, float] = {
    "newsletter_tick": 60,
    "events_housekeeping": 900,
    "meetings_notify": 3600,
    "chat_mention_digest": 300,
    "mentoring_housekeeping": 3600,
    "interpreters_housekeeping": 900,
    "clearsessions": 86400,
    **env.json("PERIODIC_JOBS", default={}),
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "treffpunkt.accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Treffpunkt] "
# Login throttling that an attacker cannot turn against the owner (treffpunkt.accounts.adapter):
# failed logins per account *and* address; per address and per account from anywhere, but not
# from an address the account has signed in from before. Password resets per address and IP.
ACCOUNT_ADAPTER = "treffpunkt.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "5/5m/key",
    "login_failed_ip": "30/10m/ip",
    "login_failed_account": "20/h/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "10/h/ip,3/h/key",
}
# The client address that allauth's per-IP limits count: uvicorn already puts the real client
# into REMOTE_ADDR for requests from FORWARDED_ALLOW_IPS (see the Procfile), so both stay at
# "trust no header" unless another server in front rewrites nothing (README, "Proxies").
ALLAUTH_TRUSTED_PROXY_COUNT: int = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER: str | None = (
    env.str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
)
# Staff who can publish must use TOTP before they reach the Wagtail admin. The demo
# (`make run`) switches this off so that a first look needs no authenticator app.
REQUIRE_MFA_FOR_PUBLISHERS: bool = env.bool("REQUIRE_MFA_FOR_PUBLISHERS", default=True)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Every login goes through allauth: Wagtail's login and password reset are not used.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
MFA_TOTP_ISSUER = "Treffpunkt"

# Languages: German is the source; every public page is offered in these.
LANGUAGE_CODE = "de"
# The languages of the interface: menus, forms, mails, and what a person picks for their mails.
INTERFACE_LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("tr", "Türkçe"),
]
# Easy-to-read German (Leichte Sprache) is a content language of its own: editors translate
# pages into it, and it has its own address prefix (/de-x-ls/, a BCP 47 private-use tag,
# since no registered subtag exists) and switcher entry. Its interface, dates, mails and the
# html element's lang are German's (see treffpunkt.core.languages).
EASY_READ_LANGUAGE = "de-x-ls"
# a content language -> the interface language it is written in
CONTENT_LANGUAGE_BASES = {EASY_READ_LANGUAGE: "de"}
LANGUAGES = [*INTERFACE_LANGUAGES, (EASY_READ_LANGUAGE, "Leichte Sprache")]
RTL_LANGUAGES = {"ar"}
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Apps keep their catalogues in <app>/locale; the core and the themes list theirs here.
LOCALE_PATHS = [PROJECT_DIR / "locale"] + [
    theme / "locale" for theme in sorted(THEMES_DIR.iterdir()) if (theme / "locale").is_dir()
]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Each theme ships its files under themes/<slug>/static/themes/<slug>/, so they never collide.
STATICFILES_DIRS: list = [PROJECT_DIR / "static"] + [
    theme / "static" for theme in sorted(THEMES_DIR.iterdir()) if (theme / "static").is_dir()
]
# Private files (every Wagtail document: names under PRIVATE_MEDIA_PREFIXES) live outside
# MEDIA_ROOT under random names and are sent only by a view that checked access; see
# treffpunkt.core.privatefiles and the README ("Private files").
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
PRIVATE_MEDIA_PREFIXES = ("documents/",)
# "django" (Django sends the file), "nginx" (X-Accel-Redirect) or "apache" (X-Sendfile)
PRIVATE_FILES_SERVER: str = env.str("PRIVATE_FILES_SERVER", default="django")
# nginx only: the internal location that aliases PRIVATE_MEDIA_ROOT
PRIVATE_FILES_INTERNAL_URL: str = env.str("PRIVATE_FILES_INTERNAL_URL", default="/private-files/")
STORAGES = {
    "default": {"BACKEND": "treffpunkt.core.privatefiles.MediaStorage"},
    "staticfiles": {"BACKEND": "treffpunkt.core.storage.StaticFilesStorage"},
}
# "local" (the folders above) or "s3": uploads in S3-compatible object storage, public files
# in S3_BUCKET and private ones in S3_PRIVATE_BUCKET (see treffpunkt.core.objectstorage).
MEDIA_STORAGE: str = env.str("MEDIA_STORAGE", default="local").strip().lower()
# How long a signed link to a private file works (PRIVATE_FILES_SERVER=redirect).
PRIVATE_FILES_URL_SECONDS: int = env.int("PRIVATE_FILES_URL_SECONDS", default=60)
if MEDIA_STORAGE == "s3":
    _s3 = {
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("S3_ADDRESSING_STYLE", default="") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,  # an upload never replaces another one of the same name
    }
    _public_url = urlsplit(env.str("S3_PUBLIC_URL", default=""))
    STORAGES["default"] = {
        "BACKEND": "treffpunkt.core.objectstorage.ObjectMediaStorage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env.str("S3_BUCKET", default=""),
            "querystring_auth": False,
            "custom_domain": (_public_url.netloc + _public_url.path.rstrip("/")) or None,
            "url_protocol": f"{_public_url.scheme or 'https'}:",
        },
    }
    PRIVATE_OBJECT_STORAGE = {
        **_s3,
        "bucket_name": env.str("S3_PRIVATE_BUCKET", default=""),
        "querystring_auth": True,
        "querystring_expire": PRIVATE_FILES_URL_SECONDS,
    }
# Without a collectstatic run (tests, development), WhiteNoise serves from the finders.
WHITENOISE_USE_FINDERS: bool = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH: bool = DEBUG

# EMAIL_URL: "smtp://user:pass@host:587" or "consolemail://"; the demo writes mails to the console.
EMAIL_CONFIG = env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F821 - just set
    # the demo: each mail framed on the console, its text readable among the log lines
    EMAIL_BACKEND = "treffpunkt.core.demomail.EmailBackend"
# A mail server that accepts the connection and then never answers must not hold the worker
# (which sends the mail queue in its own process) until the job's timeout: seconds per step.
EMAIL_TIMEOUT: float = env.float("EMAIL_TIMEOUT", default=30.0)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Treffpunkt <treffpunkt@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# ANYMAIL_WEBHOOK_SECRET: "user:password" that the mail provider's bounce webhooks send.
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")}

WAGTAIL_SITE_NAME = "Treffpunkt"
WAGTAILADMIN_BASE_URL: str = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("de", "Deutsch"),
    ("en", "English"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("tr", "Türkçe"),
]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars from a third party in the admin
WAGTAILEMBEDS_FINDERS: list = []  # no request to a third party: embeds are off

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Content Security Policy: everything from the site itself, nothing from third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        # a fresh nonce per answer, no 'unsafe-inline' (the admin keeps it: core/middleware.py);
        # the one inline style block (a town's colours) and the error page carry the nonce
        "style-src": ["'self'", NONCE],
        "script-src": ["'self'", NONCE],
        "connect-src": ["'self'", "ws:", "wss:"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Plain lines, or JSON lines with LOG_FORMAT=json; the apps log at INFO, the rest at
# LOG_LEVEL (treffpunkt/core/logs.py).
LOGGING = logging_config(
    env.str("LOG_FORMAT", default="plain"), env.str("LOG_LEVEL", default="WARNING")
)

# SENTRY_DSN: optional error reporting (Sentry or a compatible service such as GlitchTip).
# Unset: nothing is sent anywhere. What is sent is described in treffpunkt/core/errorreporting.py.
SENTRY_DSN: str = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from treffpunkt.core.errorreporting import init_error_reporting

    init_error_reporting(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
