"""Admin lists, objects and choices limited to the sites a user manages.

Every model an app shows in the Wagtail admin says once how its rows belong to a site
(:func:`register`: through a ``site`` foreign key, or through a page whose place in the
tree names the site). Then

- :func:`for_user` filters a queryset to the sites the user manages (superusers: all);
- :class:`SiteScopedViewSetMixin` scopes a ModelViewSet/SnippetViewSet: its lists, every
  view of one object (edit, delete, inspect, history, usage … answer 404 for another
  town's object) and every choice in its forms (sites, pages, scoped models, people);
- :func:`limit_choices` does the same for any form.

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


def limit_choices(form: forms.BaseForm, user) -> None:
    """Limit every model choice of ``form`` (and of its inline formsets) to what ``user``
    may pick: their sites, pages of their sites, rows of their sites, their towns' people."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            field.queryset = for_user(field.queryset, user)
    for formset in getattr(form, "formsets", {}).values():
        for child in [*formset.forms, formset.empty_form]:
            limit_choices(child, user)


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


class SiteScopedViewSetMixin:
    """For ModelViewSet and SnippetViewSet of a :func:`register`-ed model."""

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
        guarded = []
        for pattern in super().get_urlpatterns():
            if isinstance(pattern, URLPattern) and "<" in str(pattern.pattern):
                pattern = URLPattern(
                    pattern.pattern,
                    _guard(pattern.callback, self.model),
                    pattern.default_args,
                    pattern.name,
                )
            guarded.append(pattern)
        return guarded


class SiteSettingsScopeMiddleware:
    """A town's settings (Wagtail site settings: theme, contact, menu …) are edited by that
    town's managers only: another site's settings page answers 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "wagtailsettings" not in match.namespaces:
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
