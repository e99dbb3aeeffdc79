"""Admin lists, objects and choices limited to the sites a user manages.

Every model an app shows in the Wagtail admin says once how its rows belong to a site
(:func:`register`: through a ``site`` foreign key, or through a page whose place in the
tree names the site). Then

- :func:`for_user` filters a queryset to the sites the user manages (superusers: all);
- :class:`SiteScopedViewSetMixin` scopes a ModelViewSet/SnippetViewSet: its lists, every
  view of one object (edit, delete, inspect, history, usage … answer 404 for another
  town's object) and every choice in its forms (sites, pages, scoped models, people);
- :func:`limit_choices` does the same for any form; every page form of the admin is
  scoped so (:func:`scope_page_forms`), and so are the snippet choosers of scoped
  viewsets (:func:`_scoped_chooser`);
- :class:`SiteSettingsScopeMiddleware` covers what Wagtail itself shows: the filters of
  every admin listing (the page explorer's site filter included), the page chooser's
  browse and search (with :func:`page_chooser_queryset`), Wagtail's site settings, and the
  page-types report (superusers only: it names every town's last edited pages).

The rules of who manages which site are :mod:`treffpunkt.accounts.roles`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib.admin.utils import unquote
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.urls import URLPattern

from . import roles


@dataclass(frozen=True)
class Scope:
    """How rows of a model belong to a site: ``site`` is the lookup of a Site foreign key
    (``"site"``, ``"message__room__site"``), ``page`` the lookup of a page (``""`` for a
    page model itself, ``"working_group"``)."""

    site: str | None = None
    page: str | None = None

    def q(self, site_ids) -> Q:
        if self.site is not None:
            return Q(**{f"{self.site}__in": list(site_ids)})
        prefix = f"{self.page}__" if self.page else ""
        return roles.pages_in_sites_q(site_ids, prefix=prefix)


_SCOPES: dict[type[Model], Scope] = {}


def register(model: type[Model], *, site: str | None = None, page: str | None = None) -> None:
    """Declare how ``model``'s rows belong to a site (exactly one of ``site``/``page``)."""
    if (site is None) == (page is None):
        raise ValueError("Give either site or page.")
    _SCOPES[model] = Scope(site=site, page=page)


def scope_of(model: type[Model]) -> Scope | None:
    from django.contrib.auth import get_user_model
    from wagtail.models import Page, Site

    if model in _SCOPES:
        return _SCOPES[model]
    if issubclass(model, Site):
        return Scope(site="pk")
    if issubclass(model, Page):
        return Scope(page="")
    if issubclass(model, get_user_model()):
        return None  # people: see for_user
    for base, scope in _SCOPES.items():
        if issubclass(model, base):
            return scope
    return None


def for_user(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` limited to the sites ``user`` manages; unchanged for superusers and for
    models that belong to no site. People are limited to the networks of those sites."""
    from django.contrib.auth import get_user_model

    if user is not None and user.is_active and user.is_superuser:
        return queryset
    site_ids = roles.managed_site_ids(user)
    if issubclass(queryset.model, get_user_model()):
        query = Q(pk__in=[])
        for site_id in site_ids:
            query |= roles.network_members_q(site_id) & Q(is_superuser=False)
        return queryset.filter(query).distinct()
    scope = scope_of(queryset.model)
    if scope is None:
        return queryset
    return queryset.filter(scope.q(site_ids)).distinct()


def allows(user, obj: Model) -> bool:
    """Whether ``obj`` belongs to a site ``user`` manages."""
    return for_user(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def _current_pks(form: forms.BaseForm, name: str) -> list:
    value = form.initial.get(name)
    if value is None or value == "":
        return []
    values = value if isinstance(value, (list, tuple, set, QuerySet)) else [value]
    return [getattr(item, "pk", item) for item in values if item not in (None, "")]


def limit_choices(form: forms.BaseForm, user, *, keep_current: bool = False) -> None:
    """Limit every model choice of ``form`` (and of its inline formsets) to what ``user``
    may pick: their sites, pages of their sites, rows of their sites, their towns' people.
    With ``keep_current`` the values the edited object already has stay choosable (a page
    a superuser linked to another town's organisation can still be saved by its manager)."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            scoped = for_user(field.queryset, user)
            current = _current_pks(form, name) if keep_current else []
            if current and scoped is not field.queryset:
                scoped = field.queryset.filter(
                    Q(pk__in=scoped.values("pk")) | Q(pk__in=current)
                ).distinct()
            field.queryset = scoped
    for formset in getattr(form, "formsets", {}).values():
        for child in [*formset.forms, formset.empty_form]:
            limit_choices(child, user, keep_current=keep_current)


def limit_filters(filterset, user) -> None:
    """Limit the choices of an admin listing's filters (a django-filter FilterSet already
    built) to what ``user`` may see: no other town's sites, groups or organisations."""
    if filterset is None or user is None or user.is_superuser:
        return
    for field in filterset.form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            field.queryset = for_user(field.queryset, user)


def scoped_page_form_class(form_class):
    """A subclass of a page model's ``base_form_class`` whose choices (organisers, action
    fields, working groups, people …) are the editor's towns' (validation included, so a
    forged POST cannot link another town's object)."""

    class ScopedPageForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            user = getattr(self, "for_user", None)
            if user is not None and not user.is_superuser:
                limit_choices(self, user, keep_current=True)

    ScopedPageForm.__name__ = f"Scoped{form_class.__name__}"
    ScopedPageForm.__qualname__ = ScopedPageForm.__name__
    return ScopedPageForm


def scope_page_forms() -> None:
    """Give every page model (and every site setting) a scoped ``base_form_class``; run
    once from the app's ``ready`` before any edit handler is built."""
    from wagtail.admin.forms import WagtailAdminModelForm
    from wagtail.admin.forms.pages import WagtailAdminPageForm
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.models import Page, get_page_models

    # each model gets its own (wagtail.admin's ready sets Page.base_form_class after ours)
    models = [(m, WagtailAdminPageForm) for m in get_page_models() if m is not Page]
    models += [(model, WagtailAdminModelForm) for model in _subclasses(BaseSiteSetting)]
    for model, default in models:
        base = getattr(model, "base_form_class", None) or default
        if getattr(base, "_treffpunkt_scoped", False):
            continue
        scoped = scoped_page_form_class(base)
        scoped._treffpunkt_scoped = True
        model.base_form_class = scoped


def scope_log_entries() -> None:
    """Wagtail's site history (Reports → Site history) and its filters list the changes to
    every snippet and model whose type the person has a permission on, in every town. Limit
    them to rows of the person's own towns: another town's organisations, rooms or
    subscribers (and who edited them) stay out of sight. Page changes are limited by page
    permissions already; superusers see everything."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.models.audit_log import ModelLogEntryManager

    if getattr(ModelLogEntryManager, "_treffpunkt_scoped", False):
        return
    original = ModelLogEntryManager.viewable_by_user

    def viewable_by_user(self, user):
        queryset = original(self, user)
        if user.is_superuser:
            return queryset
        allowed = Q(pk__in=[])
        for content_type_id in getattr(user, "_allowed_content_type_ids", ()):
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None:
                continue
            own = for_user(model._default_manager.all(), user)
            if own.query.where:
                ids = own.annotate(_log_id=Cast("pk", CharField())).values("_log_id")
                allowed |= Q(content_type_id=content_type_id, object_id__in=ids)
            else:  # a model that belongs to no town
                allowed |= Q(content_type_id=content_type_id)
        return queryset.filter(allowed)

    ModelLogEntryManager.viewable_by_user = viewable_by_user
    ModelLogEntryManager._treffpunkt_scoped = True


def _subclasses(cls) -> list:
    found = []
    for sub in cls.__subclasses__():
        if not sub._meta.abstract:
            found.append(sub)
        found += _subclasses(sub)
    return found


def page_chooser_queryset(pages, request):
    """The page chooser (links, working-group and event choices) offers the pages of the
    editor's towns only."""
    user = getattr(request, "user", None)
    if user is None or user.is_superuser:
        return pages
    return pages.filter(roles.pages_in_sites_q(roles.managed_site_ids(user)))


def scoped_form_class(form_class, user_of=None):
    """A subclass of ``form_class`` whose choices :func:`limit_choices` limits for the
    ``for_user`` it is given (Wagtail passes it to its admin forms)."""

    class ScopedForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            user = getattr(self, "for_user", None) or kwargs.get("for_user")
            limit_choices(self, user)

    ScopedForm.__name__ = f"Scoped{form_class.__name__}"
    return ScopedForm


def _guard(view, model: type[Model]):
    """Wrap an admin view of one object: another town's object is not found."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            try:
                found = for_user(
                    model._default_manager.filter(pk=unquote(str(pk))), request.user
                ).exists()
            except (ValueError, TypeError, OverflowError):
                found = False
            if not found:
                raise Http404
        return view(request, *args, **kwargs)

    return guarded


_LISTINGS: dict[type, type] = {}


def _scoped_listing(view_class: type) -> type:
    """The listing view class whose rows (and CSV/XLSX exports) are the user's sites'."""
    if view_class not in _LISTINGS:

        class ScopedListing(view_class):
            def get_base_queryset(self):
                return for_user(super().get_base_queryset(), self.request.user)

        ScopedListing.__name__ = f"Scoped{view_class.__name__}"
        _LISTINGS[view_class] = ScopedListing
    return _LISTINGS[view_class]


def _scoped_objects(view_class: type, method: str) -> type:
    """``view_class`` whose ``method`` (a queryset getter) keeps the user's towns' rows."""

    def scoped(self, *args, **kwargs):
        return for_user(getattr(super(cls, self), method)(*args, **kwargs), self.request.user)

    cls = type(f"Scoped{view_class.__name__}", (view_class,), {method: scoped})
    return cls


def _scoped_chooser(viewset_class: type) -> type:
    """A snippet chooser viewset whose lists, searches and chosen answers hold only the
    user's towns' rows (another town's pk answers 404)."""

    def get_urlpatterns(self):
        return _guarded_patterns(super(cls, self).get_urlpatterns(), self.model)

    cls = type(
        f"Scoped{viewset_class.__name__}",
        (viewset_class,),
        {
            "choose_view_class": _scoped_objects(
                viewset_class.choose_view_class, "get_object_list"
            ),
            "choose_results_view_class": _scoped_objects(
                viewset_class.choose_results_view_class, "get_object_list"
            ),
            "chosen_multiple_view_class": _scoped_objects(
                viewset_class.chosen_multiple_view_class, "get_objects"
            ),
            "get_urlpatterns": get_urlpatterns,
        },
    )
    return cls


def _guarded_patterns(patterns, model) -> list:
    guarded = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and "<" in str(pattern.pattern):
            pattern = URLPattern(
                pattern.pattern,
                _guard(pattern.callback, model),
                pattern.default_args,
                pattern.name,
            )
        guarded.append(pattern)
    return guarded


class SiteScopedViewSetMixin:
    """For ModelViewSet and SnippetViewSet of a :func:`register`-ed model (a snippet's
    chooser is scoped too)."""

    def __init__(self, *args, **kwargs):
        chooser = getattr(type(self), "chooser_viewset_class", None)
        if chooser is not None:
            self.chooser_viewset_class = _scoped_chooser(chooser)
        super().__init__(*args, **kwargs)

    def construct_view(self, view_class, **kwargs):
        if view_class is self.index_view_class:
            view_class = _scoped_listing(view_class)
        return super().construct_view(view_class, **kwargs)

    def get_form_class(self, for_update=False):
        from wagtail.admin.forms import WagtailAdminModelForm

        if getattr(self, "_edit_handler", None) is None:
            from django.forms import modelform_factory

            base = modelform_factory(
                self.model,
                form=WagtailAdminModelForm,
                formfield_callback=self.formfield_for_dbfield,
                fields=self.get_form_fields(),
                exclude=self.get_exclude_form_fields(),
            )
        else:
            base = super().get_form_class(for_update)
        return scoped_form_class(base)

    def get_urlpatterns(self):
        return _guarded_patterns(super().get_urlpatterns(), self.model)


#: Wagtail admin views that list every town at once and cannot be scoped: superusers only
SUPERUSER_ONLY_VIEWS = (
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
)


class SiteSettingsScopeMiddleware:
    """What Wagtail's own admin views show of other towns, for everyone but superusers:

    - a town's settings (Wagtail site settings: theme, contact, menu …) are edited by that
      town's managers only: another site's settings page answers 404;
    - the page chooser browses no other town's page (its parent answers 404);
    - the filters of every admin listing offer only the user's towns (sites, working
      groups, organisations, series …);
    - views in :data:`SUPERUSER_ONLY_VIEWS` answer 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        user = getattr(request, "user", None)
        context = getattr(response, "context_data", None)
        if not context or user is None or not user.is_authenticated or user.is_superuser:
            return response
        filters = context.get("filters")
        view = context.get("view")
        if filters is None and view is not None:
            # public pages put other things under "view" (the calendar: "list"/"month")
            filters = getattr(view, "__dict__", {}).get("filters")
        if hasattr(filters, "form"):
            limit_filters(filters, user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or request.user.is_superuser:
            return None
        if match.view_name in SUPERUSER_ONLY_VIEWS:
            raise Http404
        if match.view_name == "wagtailadmin_choose_page_child":
            return self._chooser_parent(request, view_kwargs.get("parent_page_id"))
        if match.view_name == "wagtailadmin_choose_page_chosen_multiple":
            return self._chosen_pages(request)
        if "wagtailsettings" not in match.namespaces:
            return None
        pk = view_kwargs.get("pk")
        if pk is None:
            return None
        from django.apps import apps
        from wagtail.contrib.settings.models import BaseSiteSetting

        try:
            model = apps.get_model(view_kwargs.get("app_name"), view_kwargs.get("model_name"))
        except (LookupError, ValueError):
            return None
        if issubclass(model, BaseSiteSetting) and not roles.is_manager(request.user, pk):
            raise Http404
        return None

    @staticmethod
    def _chooser_parent(request, page_id):
        """The chooser may open the tree's root (it lists the user's towns) and pages of
        the user's towns, nothing else."""
        from wagtail.models import Page

        pages = Page.objects.filter(pk=page_id)
        if pages.filter(depth=1).exists():
            return None
        if not page_chooser_queryset(pages, request).exists():
            raise Http404
        return None

    @staticmethod
    def _chosen_pages(request):
        """Pages "chosen" by id must be the user's towns' (no titles of other towns)."""
        from wagtail.models import Page

        from treffpunkt.core.converters import bounded_int

        ids = {bounded_int(pk) for pk in request.GET.getlist("id")}
        if None in ids:
            raise Http404
        found = page_chooser_queryset(Page.objects.filter(pk__in=ids), request).count()
        if found != len(ids):
            raise Http404
        return None
