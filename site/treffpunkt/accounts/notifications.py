"""The one page where a signed-in person chooses which emails they get.

Apps and plugins contribute a section each through
:data:`treffpunkt.signals.notification_settings`; the page shows them in one form with one
save button, so a person never has to look for a setting in four places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import QueryDict


@dataclass
class NotificationSection:
    """One group of choices (a fieldset) on the notification-settings page."""

    #: prefix of the section's field names and the fieldset's id
    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    #: stores the section's choices from the POSTed data; None for a section that only informs
    save: Callable[[QueryDict], None] | None = None
    order: int = 100
