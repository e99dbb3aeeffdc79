"""Settings for the page benchmark: the demo's settings plus a bare view to compare with."""

import os

from treffpunkt.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# the rush benchmark signs up thousands of people from one address
if os.environ.get("BENCH_NO_SIGNUP_LIMITS"):
    EVENTS_SIGNUP_RATE_IP = (10**9, 3600)
    EVENTS_SIGNUP_RATE_EMAIL = (10**9, 3600)
