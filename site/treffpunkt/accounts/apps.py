from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "treffpunkt.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.mfa.models import Authenticator
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_delete
        from wagtail.models import Site

        from . import keptuser, sessions  # noqa: F401 - sessions names its cache key
        from .mfa import record_totp_activation
        from .personal_data import forget_on_any_deletion
        from .roles import connect_roles_signals, ensure_roles, home_page_saved, site_saved
        from .scope import scope_log_entries, scope_page_forms

        keptuser.connect()
        # every page form and site setting of the admin offers only the editor's towns
        scope_page_forms()
        scope_log_entries()

        pre_delete.connect(
            forget_on_any_deletion, sender=get_user_model(), dispatch_uid="accounts_forget"
        )

        # what each person's towns and rights are is kept; their changes renew it
        connect_roles_signals()
        # After every migrate, so that the roles also get the permissions of new apps.
        post_migrate.connect(ensure_roles, sender=self)
        # Every site is a town with its own roles, in every language of its pages.
        post_save.connect(site_saved, sender=Site, dispatch_uid="treffpunkt-site-roles")
        post_save.connect(home_page_saved, dispatch_uid="treffpunkt-home-translation-roles")
        user_logged_in.connect(_remember_address, dispatch_uid="remember_login_address")
        post_save.connect(
            record_totp_activation, sender=Authenticator, dispatch_uid="record_totp_activation"
        )


def _remember_address(sender, request=None, user=None, **kwargs):
    if request is not None and user is not None and request.META.get("REMOTE_ADDR"):
        from .adapter import remember_address

        remember_address(request, user)
