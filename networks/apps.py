from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Network")

    def ready(self) -> None:
        from . import (
            dashboard,  # noqa: F401 - connects the signal receivers
            notifications,  # noqa: F401 - connects the signal receivers
            receivers,  # noqa: F401 - connects the signal receivers
            search,
            workbench,  # noqa: F401 - connects the signal receivers
        )

        search.connect()

        from treffpunkt.core import generations

        from .models import Membership, Organisation
        from .queries import memberships_changed

        # an organisation's name is a member's name
        generations.connect_saved_and_deleted(
            memberships_changed, [Membership, Organisation], uid="networks_memberships_generation"
        )

        from django.db.models.signals import post_migrate

        # after the core's roles (treffpunkt.accounts comes first in INSTALLED_APPS)
        post_migrate.connect(_rehome_group_collections, sender=self)


def _rehome_group_collections(sender, **kwargs) -> None:
    from .models import rehome_group_collections

    rehome_group_collections()
