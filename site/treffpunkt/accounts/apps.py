from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "treffpunkt.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .personal_data import forget_on_any_deletion
        from .roles import ensure_roles

        pre_delete.connect(
            forget_on_any_deletion, sender=get_user_model(), dispatch_uid="accounts_forget"
        )

        # After every migrate, so that the roles also get the permissions of new apps.
        post_migrate.connect(ensure_roles, sender=self)
