"""The chat's extension point for other plugins: rooms whose members a plugin decides.

``room_members`` (a :class:`~treffpunkt.plugins.signals.SiteSignal`): who may enter a
plugin's room. Sent when the chat checks access to a room of kind ``plugin`` or lists its
members (for mentions). Sender: the room's ``Site``. Arguments: ``room`` (a
``plugins.chat.models.Room``; ``room.owner`` is the key the plugin gave it in
:func:`plugins.chat.api.ensure_room`). Return: ``None`` when the room is not yours, else a
QuerySet of the users who may enter it. The town's managers always may (and moderate);
when the answering plugin is off for the town, its receiver is not called and the room
holds managers only.
"""

from treffpunkt.plugins.signals import SiteSignal

room_members = SiteSignal()
