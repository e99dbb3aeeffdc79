"""Delivering a send: one row per recipient, claimed in batches, each mail marked exactly once.

The work is split in three modules, re-exported here: :mod:`.mailings` (the life of a send:
recipients, start, pause, resume, cancel, the queue, the watchdog and the row states),
:mod:`.transport` (SMTP, or any other Django mail backend) and :mod:`.sending` (the
:class:`~.sending.Sender` that claims rows and sends them).

States of a :class:`~plugins.newsletter.models.Delivery`::

    pending --claim--> pending (claimed) --body written, before the final dot--> sending
    sending --250--> sent          sending --4xx--> pending (retry later) or failed
    sending --5xx--> failed        sending, worker died --lease over--> unknown

Why this cannot double or skip: SMTP has no idempotency key, so the one moment that decides
whether a recipient has the mail is when the client writes the final "." of DATA. We mark the
row ``sending`` (a compare-and-set on our claim, committed) right before writing that dot and
``sent`` once the server answered 250 (written in the same commit as the next row's
mark, which halves the commits; a row waiting for that commit is ``sending``, which is
never sent again). A worker killed before the mark leaves the row
``pending``: the server never got the dot, so it discarded the message, and the row is sent
again after the claim lapses. A worker killed after the mark leaves ``sending``: the dot was
written (a killed process's socket still flushes it), so the server has the mail; the row
becomes ``unknown`` and is never sent again. The only gap is the instant between committing
the mark and writing the dot — microseconds in which a kill skips one recipient, which the
admin shows as "outcome unknown". A killed worker leaves at most two rows "unknown" per
sender thread (the one being sent and the one whose "sent" was not yet written), and never a
double. Other backends (django-anymail's HTTP APIs, the console) have no such split, so
for them the mark is committed just before the call: the same guarantee with a wider gap.
"""

from .mailings import (  # noqa: F401 - the newsletter's delivery API, used across the plugin
    ACTIVE,
    MailingError,
    arm_watchdog,
    cancel,
    default_edition,
    edition_counts,
    enqueue_delivery,
    log_event,
    notify_paused,
    pause,
    prepare,
    problems,
    recipients,
    resend_unknown,
    resume,
    resume_stalled,
    setting,
    start_mailing,
)
from .sending import RunResult, Sender, build_message, drain, run, run_senders, senders  # noqa: F401
from .transport import (  # noqa: F401
    Abandoned,
    Ambiguous,
    BackendTransport,
    NotDelivered,
    SMTPTransport,
    make_transport,
)
