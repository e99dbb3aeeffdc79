"""Extension points of the core (``treffpunkt``), for other apps and plugins.

Two kinds:

* :class:`~treffpunkt.plugins.signals.SiteSignal` (``dashboard_panels``,
  ``admin_panels``, ``report_sections``): sent with a Wagtail
  ``Site`` as sender; receivers in a plugin run only where that plugin is enabled.
* :class:`~treffpunkt.plugins.signals.PersonSignal` (``account_deleted``,
  ``personal_data_export``): about one person, who may have left data on every site of the
  deployment. Every receiver runs, in core apps and in every installed plugin, whether or not
  the plugin is enabled on the site the request came from (or on any site): a plugin that was
  switched off still holds what it stored while it was on, and deletion and access (DSGVO
  Art. 15, 17, 20) are owed per person, not per site.
"""

from treffpunkt.plugins.signals import PersonSignal, SiteSignal

dashboard_panels = SiteSignal()
"""Panels for a signed-in person's dashboard.

Sender: the ``Site``. Arguments: ``request`` (the ``HttpRequest``; ``request.user`` is
authenticated). Return: a ``DashboardPanel`` (see :mod:`treffpunkt.accounts.dashboard`), a
list of them, or None. Panels are shown ordered by their ``order``. A plugin names its
receivers in ``PluginConfig.dashboard_panels``.
"""

admin_panels = SiteSignal()
"""Panels for the start page of the Wagtail admin (the integration manager's workbench).

Sent once for every site the signed-in person manages (superusers: every site), so a
receiver shows only what belongs to ``sender`` and a plugin switched off for a town adds
nothing to that town's part of the page. Sender: the ``Site``. Arguments: ``request`` (the
``HttpRequest`` of the admin's home view). Return: a ``DashboardPanel`` (see
:mod:`treffpunkt.accounts.dashboard`; its template is included inside a Wagtail panel with
``title`` as the heading), a list of them, or None (nothing to do: no empty box). Panels are
shown ordered by their ``order``. A plugin names its receivers in
``PluginConfig.admin_panels``.
"""

notification_settings = SiteSignal()
"""Sections of the one page where a signed-in person chooses which emails they get
(``/konto/benachrichtigungen/``).

Sender: the ``Site``. Arguments: ``request`` (``request.user`` is authenticated). Return: a
:class:`treffpunkt.accounts.notifications.NotificationSection`, a list of them, or None
(nothing to choose for this person here). The page shows all sections in one form with one
save button; on POST each section's ``save(data)`` is called with ``request.POST`` and reads
only its own fields (name them ``<key>-…``). A plugin names its receivers in
``PluginConfig.notification_settings``.
"""

account_deleted = PersonSignal()
"""A person deletes their account; remove or anonymise everything that belongs to them.

Sent once per deletion to every receiver of every installed app and plugin, on whichever
site the person asked (see the module docstring): a receiver removes the person's data on
*all* sites, not only on ``sender``.

Sender: the ``Site`` the request came from (for information; never use it to narrow the
deletion). Arguments: ``user`` (the ``User``, still in the database), ``email`` (their
primary address) and ``emails`` (a ``frozenset`` of every address of the account, lower
case, the primary one included), for data kept by address without an account, e.g. a public
sign-up made before the account existed. Return: None.

Sent inside the transaction that deletes the user: raising aborts the deletion. Content
that others rely on (chat messages, agenda items, tasks in minutes) may stay, but without
anything that points to the person (shown as "deleted member").
"""

personal_data_export = PersonSignal()
"""A person downloads what is held about them (right of access, DSGVO Art. 15 and 20).

Sent to every receiver of every installed app and plugin (see the module docstring): a
receiver answers with the person's data on *all* sites.

Sender: the ``Site`` the request came from (for information). Arguments: ``user`` (the
signed-in ``User``) and ``emails`` (a ``frozenset`` of every verified address of the
account, lower case). Return: ``None`` (nothing held) or a dict ``{"section": str, "data":
...}``: ``section`` names the app's part of the export (e.g. ``"events"``), ``data`` is
anything ``json.dumps`` takes with Django's JSON encoder (lists of dicts of str, numbers,
bools, dates and datetimes). Include only the person's own data: never other people's names
or addresses, never secrets such as tokens of links that act on their behalf.
"""

report_sections = SiteSignal()
"""Sections for the committee report (what happened per action field in a period).

Sender: the ``Site``. Arguments: ``start`` and ``end`` (``datetime.date``, both days
included), ``action_field`` (a ``networks.models.ActionField``, or ``None``: the report's
last part, "Other", for what belongs to no field). Sent once per action field of the site
and once with ``None``. Return: a :class:`treffpunkt.reports.ReportSection`, a list of
them, or ``None``. A section has a ``title`` (a heading), ``rows`` (a list of
:class:`treffpunkt.reports.ReportRow`: ``title``, ``date`` (a ``date`` or ``None``),
``detail`` (plain text), ``url`` (optional)) and an ``order``: sections are sorted by it
below the field's measures; networks' working groups are 20, meetings 30, the newsletter
60. Return only what happened on the given site within the period. The report is shown to
integration managers (staff), so private meetings may be listed by title and date.
A plugin names its receivers in ``PluginConfig.report_sections``.
"""

registration_confirmed = SiteSignal()
"""A sign-up for an event got its confirmed place.

Sent once each time a registration becomes ``confirmed``: a signed-in person's one-click
sign-up, a visitor's confirmation link, a move up from the waiting list, an organiser's
approval (a repeated form that finds the same sign-up sends it again: be idempotent).
Sent inside the transaction that confirms it, after the row is saved; raising undoes the
confirmation, so keep receivers short and put slow work into ``transaction.on_commit``.

Sender: the ``Site`` of the event. Arguments: ``registration`` (an
``events.models.Registration`` with ``status == "confirmed"``; ``answers`` maps each
sign-up question's label to the answer given, ``party_size`` is the number of people) and
``event`` (the specific ``EventPage`` that takes the sign-ups). Return: None.
"""

registration_ended = SiteSignal()
"""A sign-up for an event no longer holds or waits for a place: the person cancelled it
(the link in the mail, one click when signed in, their account deleted), its unconfirmed
hold or waiting spot lapsed (``expired``), or the organiser declined it.

Sent once per sign-up and change, inside the transaction that changes it, after the row is
saved (so a count of the event's confirmed sign-ups no longer includes it); raising undoes
the change, so keep receivers short and put slow work into ``transaction.on_commit``.

Sender: the ``Site`` of the event. Arguments: ``registration`` (an
``events.models.Registration``, ``status`` one of ``cancelled``, ``expired``, ``declined``;
``answers`` still as given) and ``event`` (the specific ``EventPage`` that takes the
sign-ups). Return: None.
"""
