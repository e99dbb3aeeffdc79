"""Extension points of the core (``treffpunkt``), for other apps and plugins.

Each is a :class:`~treffpunkt.plugins.signals.SiteSignal`: sent with a Wagtail ``Site`` as
sender; receivers in a plugin run only where that plugin is enabled.
"""

from treffpunkt.plugins.signals import SiteSignal

dashboard_panels = SiteSignal()
"""Panels for a signed-in person's dashboard.

Sender: the ``Site``. Arguments: ``request`` (the ``HttpRequest``; ``request.user`` is
authenticated). Return: a ``DashboardPanel`` (see :mod:`treffpunkt.accounts.dashboard`), a
list of them, or None. Panels are shown ordered by their ``order``.
"""

account_deleted = SiteSignal()
"""A person deletes their account; remove or anonymise what belongs to them.

Sender: the ``Site``. Arguments: ``user`` (the ``User``, still in the database) and
``email`` (their address, for data kept by address without an account). Return: None.
Sent inside the transaction that deletes the user: raising aborts the deletion.
"""
