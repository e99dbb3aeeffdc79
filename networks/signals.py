"""Extension points of networks/ for other apps and plugins."""

from django.dispatch import Signal

from treffpunkt.plugins.signals import SiteSignal

membership_changed = Signal()
"""A working-group membership changed its status or role.

Sent after the change is saved (inside the same transaction, so a receiver that raises
undoes the change). Sender: the ``Membership`` class. Arguments: ``membership`` (the saved
``networks.models.Membership``), ``old_status`` (its status before, or ``None`` for a new
row), ``new_status`` (its status now). A change of role alone is sent with
``old_status == new_status``. Receivers return nothing. Example: the chat closes the live
connections of someone whose membership is no longer ``"active"``.
"""

report_sections = SiteSignal()
"""Sections for the committee report (what happened per action field in a period).

Sender: the ``Site``. Arguments: ``start`` and ``end`` (``datetime.date``, both included),
``action_field`` (a ``networks.models.ActionField``, or ``None`` for everything that belongs
to no field). Return: a :class:`networks.report.ReportSection`, a list of them, or ``None``.
A section has a ``title`` (shown as a heading), ``rows`` (a list of ``ReportRow``: ``title``,
``date`` (a ``date`` or ``None``), ``detail`` (plain text), ``url`` (optional)) and an
``order`` (sections are sorted by it; measures are 10, working groups 20). Return only
what happened on the given site within the period. The report is shown to integration
managers (staff), so private meetings may be listed by title and date.
"""
