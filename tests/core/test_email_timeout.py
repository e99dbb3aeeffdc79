"""A mail server that accepts the connection and never answers: the send fails after
EMAIL_TIMEOUT instead of holding the worker (which sends mails in its own process)."""

import socket
import time

import pytest
from django.conf import settings as django_settings
from django.core.mail import EmailMessage


def test_the_default_bounds_every_step():
    assert 0 < django_settings.EMAIL_TIMEOUT <= 60


def test_a_server_that_never_answers_fails_the_send_in_time(settings):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.getsockname()
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1
        began = time.monotonic()
        with pytest.raises(OSError):  # socket.timeout / TimeoutError: no greeting came
            EmailMessage("Hallo", "Text", to=["gast@example.org"]).send()
        assert time.monotonic() - began < 10
