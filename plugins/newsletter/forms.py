from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Topic
from .subscriptions import CONSENT_TEXT


class _TopicsMixin:
    def _topics_field(self, site) -> None:
        queryset = Topic.objects.filter(site=site)
        self.fields["topics"].queryset = queryset
        if not queryset.exists():
            del self.fields["topics"]


class SubscribeForm(_TopicsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the newsletter"), choices=settings.INTERFACE_LANGUAGES
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to receive everything."),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT)
    # Left empty by people; bots fill every field.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._topics_field(site)
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class PreferencesForm(_TopicsMixin, forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the newsletter"), choices=settings.INTERFACE_LANGUAGES
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to receive everything."),
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._topics_field(site)
