"""Tests: PostgreSQL from DATABASE_URL (the CI default) or SQLite; fast hashing; tasks inline."""

import sys
from pathlib import Path

# The dummy plugin of the plugin tests is installed here as a real distribution (with its
# entry point) by `make test`; it must be on the path before base.py discovers plugins.
TEST_PLUGINS_DIR = Path(__file__).resolve().parents[3] / "var" / "test-plugins"
if TEST_PLUGINS_DIR.is_dir() and str(TEST_PLUGINS_DIR) not in sys.path:
    sys.path.insert(0, str(TEST_PLUGINS_DIR))

from .base import *  # noqa: E402, F403
from .base import BUILTIN_PLUGINS, PLUGINS_EXCLUDE, env, installed_apps  # noqa: E402

# treffpunkt.settings (imported first, as the parent package) found plugins before the
# path above was set: find them again.
PLUGIN_APPS = plugin_app_names(BUILTIN_PLUGINS, PLUGINS_EXCLUDE)  # noqa: F405
INSTALLED_APPS = installed_apps(PLUGIN_APPS)
# The dummy plugin declares a required setting (PluginConfig.required_settings).
PLUGINS_CONFIG = {"dummy": {"HOST_NAME": "Beckum"}, **PLUGINS_CONFIG}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env.str(
    "TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend"
)
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "treffpunkt.core.privatefiles.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Test sites are named like beckum.test and borken.test.
ALLOWED_HOSTS = [".test", "localhost", "127.0.0.1", ".localhost", "testserver"]
# Every change reaches the next feed poll at once (tests/core/test_calendar_versions.py turns
# the version's lifetime on where it is the point).
CALENDAR_FEED_VERSION_SECONDS = 0
# In-process tests keep a connection per thread as before the pool (their live-server and rush
# threads hold one for a whole test); the real web servers they start (tests/liveserver.py)
# run with the settings' pool, as in production (tests/core/test_db_pool.py).
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405 - off only with the pool
# In-process tests run in one process, whose own cache is the one every part of it shares:
# the view restrictions are kept as with Redis (tests/core/test_restriction_rules.py checks
# both ways). The servers the fault tests start use the real settings.
CACHE_SHARED_BY_PROCESSES = True
