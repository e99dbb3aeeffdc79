from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference

MUTE_CHOICES = [
    (15, _("15 minutes")),
    (60, _("1 hour")),
    (60 * 24, _("1 day")),
    (60 * 24 * 7, _("1 week")),
]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you report this message?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The coordinators of the network will read your report."),
    )


class MuteForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    minutes = forms.TypedChoiceField(label=_("Duration"), choices=MUTE_CHOICES, coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.display_name) for m in members]


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_mentions"]
