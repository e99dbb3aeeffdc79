"""Log output for operators: JSON lines on request, permission refusals without tracebacks.

``settings.LOGGING`` uses these: ``LOG_FORMAT=json`` writes one JSON object a line (time,
level, logger, message and every ``extra`` field a call passes), for a log collector;
otherwise plain lines. Each app logs under its own name (``treffpunkt``, ``networks``,
``events``, ``plugins.<name>``), so operators can raise or lower one app's level.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

#: attributes every LogRecord has; anything else on a record came from ``extra=``
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ``time``, ``level``, ``logger``, ``message``, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value if isinstance(value, str | int | float | bool) else str(value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class QuietRefusals(logging.Filter):
    """Requests refused for lack of permission (403) are logged at INFO, without traceback.

    A refusal is the access rule working, not an error: Django's ``django.request`` logger
    reports it as a WARNING with the ``PermissionDenied`` traceback, which buries real
    problems in a busy log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True


def logging_config(log_format: str, level: str) -> dict:
    """The ``LOGGING`` setting: console output, plain or JSON, one logger per app."""
    apps = ("treffpunkt", "networks", "events", "plugins")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": "treffpunkt.core.logs.JsonFormatter"},
        },
        "filters": {"quiet_refusals": {"()": "treffpunkt.core.logs.QuietRefusals"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if log_format == "json" else "plain",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # the apps' own lines (sends, watchdog, registration failures, refusals) at INFO
            **{app: {"level": "INFO"} for app in apps},
            "django.request": {"filters": ["quiet_refusals"]},
        },
    }
