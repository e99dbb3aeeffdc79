"""Extension points of networks/ for other apps and plugins."""

from django.dispatch import Signal

from treffpunkt.signals import report_sections  # the core's; kept importable from here

__all__ = ["membership_changed", "report_sections"]

membership_changed = Signal()
"""A working-group membership changed its status or role.

Sent after the change is saved (inside the same transaction, so a receiver that raises
undoes the change). Sender: the ``Membership`` class. Arguments: ``membership`` (the saved
``networks.models.Membership``), ``old_status`` (its status before, or ``None`` for a new
row), ``new_status`` (its status now). A change of role alone is sent with
``old_status == new_status``. Receivers return nothing. Example: the chat closes the live
connections of someone whose membership is no longer ``"active"``.
"""
