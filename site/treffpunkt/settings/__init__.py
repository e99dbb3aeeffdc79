"""Settings for a demo or development run; production uses ``treffpunkt.settings.production``."""

from .base import *  # noqa: F403
