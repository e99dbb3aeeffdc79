from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: network members, integration managers, staff.

    The public needs no account; people sign in with their email address.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.INTERFACE_LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Emails from Treffpunkt are written in this language."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email.split("@")[0]

    def can_publish(self) -> bool:
        """Whether the user can publish pages: such staff must use a second factor."""
        if self.is_superuser:
            return True
        if not self.is_active or not self.has_perm("wagtailadmin.access_admin"):
            return False
        from wagtail.models import GroupPagePermission

        return GroupPagePermission.objects.filter(
            group__user=self, permission__codename="publish_page"
        ).exists()


class SiteRoles(models.Model):
    """The two roles of one town (one Wagtail site): its integration managers and its
    network members, each a Django group, and the collection its images and documents
    live in. Rights are per town: a person may be a member in two towns and manage one.

    :mod:`treffpunkt.accounts.roles` makes a row for every site and is the only reader.
    """

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="roles", verbose_name=_("site")
    )
    managers = models.OneToOneField(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="managed_site",
        verbose_name=_("integration managers"),
    )
    members = models.OneToOneField(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="member_site",
        verbose_name=_("network members"),
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collection"),
    )

    class Meta:
        verbose_name = _("roles of a site")
        verbose_name_plural = _("roles of the sites")

    def __str__(self) -> str:
        return str(self.site)
