from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class PluginSettingsForm(WagtailAdminModelForm):
    """One checkbox a plugin; a site that never saved this form gets each plugin's default."""

    enabled = forms.MultipleChoiceField(
        label=_("Enabled plugins"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Switched-off plugins answer 404 on this site and hide their admin menu items."
        ),
    )

    def __init__(self, *args, **kwargs):
        from .registry import all_plugins

        super().__init__(*args, **kwargs)
        plugins = all_plugins()
        self.fields["enabled"].choices = [
            (p.label, f"{p.verbose_name} – {p.description}" if p.description else p.verbose_name)
            for p in plugins
        ]
        states = self.instance.states or {}
        self.initial["enabled"] = [
            p.label for p in plugins if states.get(p.label, p.default_enabled)
        ]

    def save(self, commit=True):
        from .registry import all_plugins

        chosen = set(self.cleaned_data["enabled"])
        self.instance.states = {p.label: p.label in chosen for p in all_plugins()}
        return super().save(commit=commit)


@register_setting(icon="cogs")
class PluginSettings(BaseSiteSetting):
    #: {plugin label: enabled}; plugins missing here fall back to their default_enabled
    states = models.JSONField(default=dict, blank=True)

    base_form_class = PluginSettingsForm
    panels = [FieldPanel("enabled")]

    class Meta:
        verbose_name = _("Plugins")

    @classmethod
    def states_for_site(cls, site) -> dict[str, bool]:
        row = cls.objects.filter(site=site).values_list("states", flat=True).first()
        return row or {}

    def save(self, *args, **kwargs):
        from .registry import forget_cached_state

        super().save(*args, **kwargs)
        forget_cached_state(self.site)

    @classmethod
    def set_enabled(cls, site, label: str, enabled: bool) -> None:
        """Switch one plugin on or off for a site (used by the demo loader and the tests)."""
        from .registry import forget_cached_state

        obj, _created = cls.objects.get_or_create(site=site)
        obj.states = {**obj.states, label: enabled}
        obj.save()
        forget_cached_state(site)
