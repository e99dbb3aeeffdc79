"""Log output as operators get it: JSON lines with LOG_FORMAT=json, quiet permission refusals.

Runs a separate Python process with the deployment's settings (not the test settings,
which leave logging alone), so the LOGGING setting itself is what is tested.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import logging
import django
django.setup()
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden, HttpResponseServerError
from django.test import RequestFactory
from django.utils.log import log_response

request = RequestFactory().get("/konto/geheim/")
try:
    raise PermissionDenied
except PermissionDenied as exc:
    log_response("Forbidden (Permission denied): %s", request.path,
                 response=HttpResponseForbidden(), request=request, exception=exc)
try:
    raise ValueError("kaputt")
except ValueError as exc:
    log_response("Internal Server Error: %s", request.path,
                 response=HttpResponseServerError(), request=request, exception=exc)
logging.getLogger("events.views").info("sign-up refused", extra={"event_id": 7, "code": "full"})
logging.getLogger("events.views").debug("not shown")
"""


def _run(log_format: str) -> str:
    env = {**os.environ, "LOG_FORMAT": log_format, "DJANGO_SETTINGS_MODULE": "treffpunkt.settings"}
    env.pop("LOG_LEVEL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_json_lines_carry_level_logger_and_extra_fields():
    lines = [json.loads(line) for line in _run("json").splitlines() if line.strip()]
    by_message = {line["message"]: line for line in lines}
    refused = by_message["Forbidden (Permission denied): /konto/geheim/"]
    assert refused["level"] == "INFO" and "exception" not in refused  # no traceback
    error = by_message["Internal Server Error: /konto/geheim/"]
    assert error["level"] == "ERROR" and "ValueError: kaputt" in error["exception"]
    signup = by_message["sign-up refused"]
    assert signup["logger"] == "events.views" and signup["level"] == "INFO"
    assert signup["event_id"] == 7 and signup["code"] == "full"
    assert "not shown" not in by_message


def test_plain_lines_by_default():
    out = _run("plain")
    assert "INFO events.views: sign-up refused" in out
    assert "Traceback" in out  # of the server error
    assert out.count("Traceback") == 1  # and not of the refusal
