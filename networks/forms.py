from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GroupPost, Measure, Membership, Organisation, WorkingGroupPage


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    ACTIONS = [
        ("approve", _("Approve")),
        ("decline", _("Decline")),
        ("remove", _("Remove")),
        ("make_coordinator", _("Make coordinator")),
        ("make_member", _("Make member")),
    ]
    membership = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=ACTIONS)


class PostForm(forms.ModelForm):
    class Meta:
        model = GroupPost
        fields = ["kind", "title", "body", "meeting_date"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
        }


class UploadForm(forms.Form):
    MAX_SIZE = 20 * 1024 * 1024

    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("The file is too large (at most 20 MB)."))
        return upload


class EmailsForm(forms.Form):
    receive = forms.BooleanField(required=False)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    action_field = forms.ChoiceField(label=_("Action field"), required=False)
    language = forms.ChoiceField(label=_("Language offered"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )

    def __init__(self, *args, action_fields=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].choices = [("", _("All action fields"))] + [
            (field.filter_slug, field.display_name) for field in action_fields
        ]
        self.fields["language"].choices = [("", _("All languages"))] + list(languages)


class GroupFilterForm(forms.Form):
    action_field = forms.ChoiceField(label=_("Action field"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *WorkingGroupPage.Status.choices],
    )

    def __init__(self, *args, action_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].choices = [("", _("All action fields"))] + [
            (field.filter_slug, field.display_name) for field in action_fields
        ]


class MeasureFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    action_field = forms.ChoiceField(label=_("Action field"), required=False)
    target_group = forms.CharField(label=_("Target group"), required=False, max_length=100)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Measure.Status.choices],
    )

    def __init__(self, *args, action_fields=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_field"].choices = [("", _("All action fields"))] + [
            (field.filter_slug, field.display_name) for field in action_fields
        ]
        self.fields["organisation"].choices = [("", _("All organisations"))] + [
            (str(pk), name) for pk, name in organisations
        ]


class ReportForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    # A date input takes and shows ISO dates only; a localised initial value leaves it empty.
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user=None, **kwargs):
        from treffpunkt.accounts.roles import managed_sites

        super().__init__(*args, **kwargs)
        # only the towns the person manages (superusers: every town)
        self.fields["site"].queryset = managed_sites(user)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end must not be before the start."))
        return data


def language_name(code: str) -> str:
    """The language's name in itself from CLDR ("العربية", "Kurmancî"), as people look
    for their own language."""
    from treffpunkt.core.localize import language_name as cldr_language_name

    return cldr_language_name(code)


__all__ = ["Membership", "language_name"]
