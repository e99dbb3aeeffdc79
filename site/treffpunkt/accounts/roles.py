"""The two roles with accounts: integration manager (Wagtail editor) and network member."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

INTEGRATION_MANAGERS = "Integrationsmanagement"
NETWORK_MEMBERS = "Netzwerkmitglieder"

#: apps whose models integration managers may add, change and delete in the admin
MANAGED_APPS = [
    "core",
    "networks",
    "events",
    "meetings",
    "newsletter",
    "chat",
    "wagtailimages",
    "wagtaildocs",
    "wagtailredirects",
    "wagtail_localize",
]
PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
]


def ensure_roles(sender=None, **kwargs) -> None:
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    managers, _ = Group.objects.get_or_create(name=INTEGRATION_MANAGERS)
    Group.objects.get_or_create(name=NETWORK_MEMBERS)

    admin_perms = (
        Permission.objects.filter(content_type__app_label__in=MANAGED_APPS)
        | Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        | Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=["add_site", "change_site"]
        )
    )
    managers.permissions.add(*admin_perms)

    root = Page.get_first_root_node()
    if root is not None:
        for codename in PAGE_PERMISSIONS:
            perm = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if perm:
                GroupPagePermission.objects.get_or_create(
                    group=managers, page=root, permission=perm
                )
    collection = Collection.get_first_root_node()
    if collection is not None:
        for codename in [
            "add_image",
            "change_image",
            "choose_image",
            "add_document",
            "change_document",
            "choose_document",
        ]:
            perm = Permission.objects.filter(codename=codename).first()
            if perm:
                GroupCollectionPermission.objects.get_or_create(
                    group=managers, collection=collection, permission=perm
                )
