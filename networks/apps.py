from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Network")

    def ready(self) -> None:
        from . import dashboard, receivers, workbench  # noqa: F401 - connect the signal receivers
