"""System checks of the deployment (``manage.py check``)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Warning, register


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
