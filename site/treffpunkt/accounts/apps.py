from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "treffpunkt.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .roles import ensure_roles

        # After every migrate, so that the roles also get the permissions of new apps.
        post_migrate.connect(ensure_roles, sender=self)
