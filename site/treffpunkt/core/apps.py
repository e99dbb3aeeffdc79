from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "treffpunkt.core"
    label = "core"
    verbose_name = _("Treffpunkt core")

    def ready(self) -> None:
        from . import checks, pagecache  # noqa: F401 - checks registers itself

        pagecache.connect_signals()

        from . import chrome

        chrome.connect_signals()

        from .requestmemo import install_locale_memo

        install_locale_memo()

        from .sites import install_site_root_paths_memo

        install_site_root_paths_memo()
