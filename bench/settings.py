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

# The rush benchmarks sign up thousands of people from one address, without the browser's
# proof-of-work script: the limits per address and the holds' bounds under attack are lifted
# (as if every visitor came from their own phone and their browser solved the challenge).
if os.environ.get("BENCH_NO_SIGNUP_LIMITS"):
    EVENTS_SIGNUP_RATE_IP = (10**9, 3600)
    EVENTS_SIGNUP_RATE_EMAIL = (10**9, 3600)
    EVENTS_ATTACK_POSTS = (10**9, 600)
    EVENTS_HOLDS_PER_IP = (10**9, 3600)
    EVENTS_UNCONFIRMED_SHARE = 1.0
