"""Optional error reporting to Sentry, or a compatible self-hosted service (GlitchTip).

Off unless ``SENTRY_DSN`` is set: then nothing leaves the server. When on, reports say what
broke and where, never whom it concerned: no request bodies (sign-up forms hold names and
addresses), no cookies, no IP addresses, no user e-mails, and no local variables (a frame's
variables may hold a registrant's data).
"""

from __future__ import annotations


def init_error_reporting(
    dsn: str, environment: str, release: str, traces_sample_rate: float
) -> bool:
    """Start the SDK when a DSN is given; returns whether reporting is on."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_strip_personal_data,
    )
    return True


def _strip_personal_data(event: dict, hint: dict) -> dict:
    request = event.get("request") or {}
    request.pop("cookies", None)
    request.pop("data", None)
    # Query strings can carry tokens of confirmation links.
    request.pop("query_string", None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "forwarded"}:
            headers.pop(name)
    event.pop("user", None)
    return event
