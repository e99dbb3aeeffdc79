"""Who may do what, per town: the one owner of the access rules every app asks.

Each Wagtail site is a town and a tenant. It has two roles, each a Django group made by
:func:`ensure_site_roles` and linked to the site by :class:`~.models.SiteRoles`:

- its **integration managers**: Wagtail editors of that site's page tree (every language),
  of its collection of images and documents, and of everything the apps keep for that
  site (registrations, subscribers, memberships, chat rooms, meetings, reports);
- its **network members**: people of that town's network (they may join its working
  groups, enter its network chat room, see its network-only meetings).

A person may be a member in two towns and manage one: rights are per town. Superusers
manage every town. Apps never read these groups themselves; they call
:func:`is_manager`, :func:`is_network_member`, :func:`managed_sites` and the query helpers
below, and scope every admin list through :func:`pages_in_sites_q` / ``site__in``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet

from treffpunkt.core import generations

if TYPE_CHECKING:
    from wagtail.models import Site

log = logging.getLogger(__name__)

#: names the per-site groups start with ("Integrationsmanagement – Beckum")
INTEGRATION_MANAGERS = "Integrationsmanagement"
NETWORK_MEMBERS = "Netzwerkmitglieder"

#: apps whose models integration managers may add, change and delete in the admin; every
#: list and form of these apps is scoped to the manager's sites (see each app's admin).
#: Images and documents are granted per collection (the site's own), never per model, and
#: sites, redirects and users stay with the superusers.
MANAGED_APPS = [
    "core",
    "networks",
    "events",
    "wagtail_localize",
]
#: the role keys of ``PluginConfig.role_permissions``: the per-site groups of SiteRoles
#: (plugins declare the permissions on their own models there; MANAGED_APPS names none)
ROLES = ("managers", "members")
PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
    "bulk_delete_page",
]
COLLECTION_PERMISSIONS = [
    "add_image",
    "change_image",
    "choose_image",
    "add_document",
    "change_document",
    "choose_document",
]

_MANAGED_CACHE = "_treffpunkt_managed_site_ids"
_MEMBER_CACHE = "_treffpunkt_member_site_ids"
_RIGHTS_CACHE = "_treffpunkt_admin_and_page_rights"


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _site_id(site) -> int | None:
    return getattr(site, "pk", site)


# --- the rules ---------------------------------------------------------------------------


def managed_site_ids(user) -> frozenset[int]:
    """The ids of the sites ``user`` manages (every site for superusers), once per user
    object (a request's user asks many times)."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, _MANAGED_CACHE, None)
    if cached is None:
        if user.is_superuser:
            from wagtail.models import Site

            cached = frozenset(Site.objects.values_list("pk", flat=True))
            setattr(user, _MANAGED_CACHE, cached)
        else:
            cached = _load_site_roles(user)[0]
    return cached


def member_site_ids(user) -> frozenset[int]:
    """The ids of the sites in whose network ``user`` is a member (managers are members of
    the network they manage)."""
    if not _signed_in(user):
        return frozenset()
    cached = getattr(user, _MEMBER_CACHE, None)
    if cached is None:
        if user.is_superuser:
            cached = managed_site_ids(user)
            setattr(user, _MEMBER_CACHE, cached)
        else:
            cached = _load_site_roles(user)[1]
    return cached


def _load_site_roles(user) -> tuple[frozenset[int], frozenset[int]]:
    """The sites a person who is no superuser manages, and those whose network they belong
    to (read with their admin and page rights: :func:`_load`)."""
    _load(user)
    return getattr(user, _MANAGED_CACHE), getattr(user, _MEMBER_CACHE)


#: renewed by every change of a person's groups or direct permissions, of a group's
#: permissions or page permissions, of a town's roles, and by a person deleted
ROLES_GENERATION = "treffpunkt:generation:roles"
#: what is kept per person outlives no generation; the timeout only bounds unused keys
ROLES_TIMEOUT = 24 * 3600


def _load(user, *, live: bool = False) -> None:
    """What a member's page asks of a person who is no superuser: the sites they manage,
    those whose network they belong to (the second factor's rule, the member menu, the
    working groups' join button), whether they may open the Wagtail admin and whether one of
    their groups holds a page permission. Kept on the user object.

    Read in one query (:func:`_read`) and kept in the shared cache and in each process's
    memory per person under the roles generation (:data:`ROLES_GENERATION`,
    :func:`roles_changed`): every signed-in page asked it, and the answer changes only when
    someone's groups or a group's rights do. Whether the person is active or a superuser is
    never kept here: it is read from their row (:mod:`.keptuser`). Without a cache that every process shares
    (``CACHE_SHARED_BY_PROCESSES``), a change made by another process (a command, the
    worker) would not reach this one's generation: then it is read on every request.
    ``live``: read from the database whatever is kept (and keep what was read)."""
    from django.conf import settings

    if getattr(settings, "CACHE_SHARED_BY_PROCESSES", False):
        found = _kept_roles(user, live)
    else:
        found = _read(user)
    managed, members, rights = found
    setattr(user, _MANAGED_CACHE, managed)
    setattr(user, _MEMBER_CACHE, members)
    setattr(user, _RIGHTS_CACHE, rights)


#: this process's copies of the people's roles: user pk -> (roles generation, roles, time
#: kept); the roles are frozensets and booleans, which no request can change
_local: dict = {}
#: seconds a copy serves at most, for a change no signal reported (then the shared cache)
LOCAL_MAX_AGE = 60
_LOCAL_ENTRIES = 5000
_local_lock = threading.Lock()


generations.known(ROLES_GENERATION)  # renewed by manage.py renew_kept


def _kept_roles(user, live: bool):
    """A person's roles from this process's copy while the roles generation lasts (read in
    the round trip that finds the site: treffpunkt.core.middleware.find_site), else from the
    shared cache or the database (:func:`_load`)."""
    generation = generations.read_once(ROLES_GENERATION)
    kept = _local.get(user.pk)
    fresh = kept is not None and time.monotonic() - kept[2] < LOCAL_MAX_AGE
    if fresh and kept[0] == generation and not live:
        return kept[1]
    found = generations.keep(
        f"treffpunkt:roles:{user.pk}",
        [ROLES_GENERATION],
        lambda: _read(user),
        ROLES_TIMEOUT,
        renew=live,
    )
    if generations.settled():
        with _local_lock:
            if len(_local) >= _LOCAL_ENTRIES:
                del _local[next(iter(_local))]
            _local[user.pk] = (generation, found, time.monotonic())
    return found


def forget_all() -> None:
    """Empty this process's copies (tests)."""
    with _local_lock:
        _local.clear()


def reread(user) -> None:
    """Read ``user``'s towns and rights from the database now, not from what is kept: for
    checks that must notice even a change no signal reported (a chat socket checks before
    every action). What is read is kept for their next page too."""
    forget(user)
    if _signed_in(user) and not user.is_superuser:
        _load(user, live=True)


def _read(user) -> tuple[frozenset[int], frozenset[int], tuple[bool, bool]]:
    """The towns a person manages and belongs to, and whether they may open the Wagtail
    admin (``wagtailadmin.access_admin``, granted to them or to one of their groups, as
    Django's permission backend reads it) and hold a page permission through a group
    (without one, Wagtail lets them edit no page), in one query.

    One row per group of the person (one with none): the towns come from the groups'
    SiteRoles, the rights from two EXISTS on the person's row."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef
    from wagtail.models import GroupPagePermission

    admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
    pages = GroupPagePermission.objects.filter(group__user=OuterRef("pk"))
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(admin=Exists(admin), pages=Exists(pages))
        .order_by()
        .values_list(
            "admin", "pages", "groups__managed_site__site_id", "groups__member_site__site_id"
        )
    )
    may_admin = may_edit_pages = False
    managed, members = set(), set()
    for admin_right, page_right, managed_site, member_site in rows:
        may_admin, may_edit_pages = bool(admin_right), bool(page_right)
        if managed_site is not None:
            managed.add(managed_site)
            members.add(managed_site)  # a manager belongs to the network they manage
        if member_site is not None:
            members.add(member_site)
    return frozenset(managed), frozenset(members), (may_admin, may_edit_pages)


def roles_changed(*args, **kwargs) -> None:
    """Someone's towns or rights may have changed: read everyone's again (now and after the
    commit). Connected to the models and relations they are read from
    (:func:`connect_roles_signals`); call it after changing them with ``QuerySet.update``
    or ``bulk_create``, which send no signal."""
    if kwargs.get("raw"):  # fixtures being loaded
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    generations.bump(ROLES_GENERATION)


def connect_roles_signals() -> None:
    """Renew the kept roles on every change they are read from (``AccountsConfig.ready``)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete
    from wagtail.models import GroupPagePermission

    from .models import SiteRoles

    User = get_user_model()
    generations.connect_saved_and_deleted(
        roles_changed, (Group, Permission, GroupPagePermission, SiteRoles), uid="roles"
    )
    # a deleted person's key may come back with a new one (SQLite reuses the highest id)
    post_delete.connect(roles_changed, sender=User, weak=False, dispatch_uid="roles_user")
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            roles_changed, sender=through, weak=False, dispatch_uid=f"roles_{through.__name__}"
        )


def admin_and_page_rights(user) -> tuple[bool, bool]:
    """Whether ``user`` may open the Wagtail admin, and whether one of their groups holds a
    page permission (read with their towns in one query: :func:`_load`); superusers have
    both."""
    if not _signed_in(user):
        return False, False
    if user.is_superuser:
        return True, True
    if getattr(user, _RIGHTS_CACHE, None) is None:
        _load(user)
    return getattr(user, _RIGHTS_CACHE)


def forget(user) -> None:
    """Drop the cached answers (after the user's groups changed)."""
    for name in (_MANAGED_CACHE, _MEMBER_CACHE, _RIGHTS_CACHE):
        if hasattr(user, name):
            delattr(user, name)


def is_manager(user, site: Site | int | None) -> bool:
    """Whether ``user`` manages ``site`` (superusers manage every site). Without a site
    only superusers count: a manager is always a manager *of* a town."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    return site is not None and _site_id(site) in managed_site_ids(user)


def manages_any(user) -> bool:
    """Whether ``user`` manages at least one site."""
    return bool(managed_site_ids(user))


def is_network_member(user, site: Site | int | None) -> bool:
    """Whether ``user`` belongs to the network of ``site``: its members and managers, and
    superusers. Without a site: a member of any town's network."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    ids = member_site_ids(user)
    return bool(ids) if site is None else _site_id(site) in ids


def managed_sites(user) -> QuerySet[Site]:
    """The sites ``user`` manages, for admin lists and choice fields."""
    from wagtail.models import Site

    return Site.objects.filter(pk__in=managed_site_ids(user)).order_by("site_name", "hostname")


def managers_of(site: Site) -> QuerySet:
    """The people who manage ``site`` (without superusers)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(is_active=True, groups__managed_site__site=site).distinct()
    )


def managers_q(site: Site | int, prefix: str = "") -> Q:
    """A filter on users: the managers of ``site`` and superusers."""
    return Q(**{f"{prefix}groups__managed_site__site": _site_id(site)}) | Q(
        **{f"{prefix}is_superuser": True}
    )


def network_members_q(site: Site, prefix: str = "") -> Q:
    """A filter on users: the members and managers of ``site``'s network and superusers
    (``prefix`` is the path from the queried model to the user, e.g. ``"user__"``)."""
    return (
        Q(**{f"{prefix}groups__member_site__site": site})
        | Q(**{f"{prefix}groups__managed_site__site": site})
        | Q(**{f"{prefix}is_superuser": True})
    )


def network_members_of(site: Site) -> QuerySet:
    """Everyone who belongs to the network of ``site`` (the query of
    :func:`is_network_member`)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(is_active=True).filter(network_members_q(site)).distinct()
    )


# --- pages and objects of a site ---------------------------------------------------------


def site_root_paths(sites: Iterable[Site | int]) -> list[str]:
    """Tree paths of the sites' root pages in every language (a translated home page is a
    sibling of the default one, so the site's pages lie below any of them)."""
    from wagtail.models import Page, Site

    ids = [_site_id(s) for s in sites]
    keys = Site.objects.filter(pk__in=ids).values("root_page__translation_key")
    return list(Page.objects.filter(translation_key__in=keys).values_list("path", flat=True))


def pages_in_sites_q(sites: Iterable[Site | int], prefix: str = "") -> Q:
    """A filter for pages of ``sites`` (``prefix`` leads from the model to the page, e.g.
    ``"working_group__"``); matches nothing for no sites."""
    query = Q(pk__in=[])
    if prefix:
        query = Q(**{f"{prefix}pk__in": []})
    for path in site_root_paths(sites):
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def site_of_page(page) -> int | None:
    """The id of the site a page belongs to, in any language (from Wagtail's cached list
    of site root paths, which holds every translation of each site's root)."""
    from wagtail.models import Site

    url_path = page.url_path
    best = None
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path) and (
            best is None or len(root.root_path) > len(best.root_path)
        ):
            best = root
    return best.site_id if best is not None else None


def manages_page(user, page) -> bool:
    """Whether ``page`` lies in a site ``user`` manages."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    site_id = site_of_page(page)
    return site_id is not None and site_id in managed_site_ids(user)


# --- making the roles --------------------------------------------------------------------


def make_manager(user, site: Site) -> None:
    """Give ``user`` the integration management of ``site``."""
    user.groups.add(ensure_site_roles(site).managers)
    forget(user)


def make_network_member(user, site: Site) -> None:
    """Make ``user`` a member of the network of ``site``."""
    user.groups.add(ensure_site_roles(site).members)
    forget(user)


def _group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name[:150])
    return group


def _manager_permissions() -> QuerySet[Permission]:
    return Permission.objects.filter(
        content_type__app_label__in=MANAGED_APPS
    ) | Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")


def ensure_site_roles(site: Site):
    """The :class:`~.models.SiteRoles` of ``site``, made with its groups, page permissions
    on the site's root in every language, and its own collection, if missing."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    from .models import SiteRoles

    roles = SiteRoles.objects.filter(site=site).select_related("managers", "members").first()
    town = site.site_name or site.hostname
    if roles is None:
        roles = SiteRoles.objects.create(
            site=site,
            managers=_group(f"{INTEGRATION_MANAGERS} – {town} ({site.pk})"),
            members=_group(f"{NETWORK_MEMBERS} – {town} ({site.pk})"),
        )
    roles.managers.permissions.add(*_manager_permissions(), *plugin_permissions("managers"))
    roles.members.permissions.add(*plugin_permissions("members"))
    page_perms = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
        )
    )
    for page in Page.objects.filter(translation_key=site.root_page.translation_key):
        for perm in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=roles.managers, page=page, permission=perm
            )
    if roles.collection_id is None:
        root = Collection.get_first_root_node()
        if root is not None:
            roles.collection = root.add_child(name=town[:255])
            roles.save(update_fields=["collection"])
    if roles.collection_id is not None:
        for perm in Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
            codename__in=COLLECTION_PERMISSIONS,
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=roles.managers, collection_id=roles.collection_id, permission=perm
            )
    return roles


def site_collection(site: Site | None):
    """The collection of ``site`` (for uploads that belong to a town), or None."""
    if site is None:
        return None
    from .models import SiteRoles

    roles = SiteRoles.objects.filter(site=site).select_related("collection").first()
    return roles.collection if roles is not None else None


def _retire_shared_groups(roles_by_site: list) -> None:
    """Before towns were tenants, one "Integrationsmanagement" and one
    "Netzwerkmitglieder" group served every site. Their people keep what they had (each
    gets the role in every site, logged, for a superuser to narrow down) and the shared
    groups go, so no right spans towns unseen."""
    for name, attribute in ((INTEGRATION_MANAGERS, "managers"), (NETWORK_MEMBERS, "members")):
        shared = Group.objects.filter(name=name).first()
        if shared is None:
            continue
        people = list(shared.user_set.all())
        for roles in roles_by_site:
            getattr(roles, attribute).user_set.add(*people)
        if people:
            log.warning(
                "The shared group %r was split per site; its %d people now have the role in "
                "every site. Remove them from the towns they do not serve.",
                name,
                len(people),
            )
        shared.delete()


def ensure_roles(sender=None, **kwargs) -> None:
    """The roles of every site (after every migrate, and when a site is saved)."""
    from wagtail.models import Page, Site

    if Page.get_first_root_node() is None:
        return
    roles_by_site = [ensure_site_roles(site) for site in Site.objects.select_related("root_page")]
    if roles_by_site:
        _retire_shared_groups(roles_by_site)


def site_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A new site gets its roles at once."""
    if not raw:
        ensure_site_roles(instance)


def home_page_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A new translation of a site's home page is managed by that site's managers."""
    from wagtail.models import Page, Site

    if raw or not created or not isinstance(instance, Page) or instance.depth != 2:
        return
    for site in Site.objects.filter(root_page__translation_key=instance.translation_key):
        ensure_site_roles(site)


def plugin_permissions(role: str) -> QuerySet[Permission]:
    """The permissions the installed plugins declare for ``role`` (one of ``ROLES``)."""
    from treffpunkt.plugins import ALL_PERMISSIONS, registry

    wanted = Q(pk__in=[])
    for plugin, (key, codenames) in registry.declared("role_permissions"):
        if key != role:
            continue
        in_plugin = Q(content_type__app_label=plugin.label)
        wanted |= (
            in_plugin if codenames == ALL_PERMISSIONS else in_plugin & Q(codename__in=codenames)
        )
    return Permission.objects.filter(wanted)
