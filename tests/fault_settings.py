"""Settings of the server the fault tests start: the real ones, with the sign-up rate limits
lifted (every simulated visitor comes from 127.0.0.1) and the test sites' host names."""

from treffpunkt.settings import *  # noqa: F403

EVENTS_SIGNUP_RATE_IP = EVENTS_SIGNUP_RATE_EMAIL = (100_000, 3600)
# Holds too: eight copies of one form from 127.0.0.1 that race past the resubmission check
# would otherwise pass the three holds an address may take, and the row that wins may be
# one that holds no place (tests/events/conftest.py lifts them in-process the same way).
EVENTS_HOLDS_PER_IP = EVENTS_HOLDS_PER_EMAIL = (100_000, 3600)
ALLOWED_HOSTS = [".test", "127.0.0.1", "localhost"]
