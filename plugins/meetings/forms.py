"""Front-end forms; they only parse input, the rules are in :mod:`.services`."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RsvpAnswer
from .schedule import TZ


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(label=_("Will you come?"), choices=RsvpAnswer.choices)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _TimesForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    location = forms.CharField(label=_("Place"), max_length=200, required=False)

    def start_end(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["date"]
        start = dt.datetime.combine(day, self.cleaned_data["start_time"], tzinfo=TZ)
        end = dt.datetime.combine(day, self.cleaned_data["end_time"], tzinfo=TZ)
        return start, end


class MoveForm(_TimesForm):
    note = forms.CharField(label=_("Note for the members"), max_length=300, required=False)


class ExtraDateForm(_TimesForm):
    pass


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Reason (shown to the members)"), max_length=300, required=False)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=50_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Separate paragraphs with an empty line."),
    )
    decisions = forms.CharField(
        label=_("New decisions (one a line)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    publish = forms.BooleanField(label=_("Publish and send to the members"), required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    owner = forms.TypedChoiceField(label=_("Responsible"), coerce=int)
    due_date = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        # the list is what the form offers; the service checks the chosen id again
        self.fields["owner"].choices = [(p.pk, p.display_name) for p in people]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(p.pk, p.display_name) for p in people]


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds=(), enabled=(), **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in kinds:
            self.fields[value] = forms.BooleanField(
                label=label, required=False, initial=value in enabled
            )
