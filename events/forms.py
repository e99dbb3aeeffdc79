"""The public sign-up forms (visitors and participants, helpers, contributions) and filters."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from treffpunkt.calendar import kind_choices

from .models import EventPage, Registration

MAX_ANSWER = 500


class HoneypotMixin(forms.Form):
    # People never see this field (hidden by CSS, skipped by keyboard and screen readers);
    # bots that fill in every field do, and their sign-up is dropped.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


class PersonMixin(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "We send the confirmation link here, and then the confirmation of your place. "
            "No account needed."
        ),
    )


#: stand in a kept sign-up form for the signed-in visitor's address and name
#: (:meth:`SignupForm.marked`, :func:`fill_person`)
PERSON_MARKS = {"email": "\x00email\x00", "name": "\x00name\x00"}


def fill_person(html: str, user) -> str:
    """The HTML of a form made by :meth:`SignupForm.marked` as ``SignupForm(user=user)``
    renders it: the person's address and name as the fields' values (none when empty)."""
    from django.utils.html import escape

    for name, value in (("email", user.email), ("name", user.get_full_name())):
        mark = f' value="{PERSON_MARKS[name]}"'
        if mark in html:
            html = html.replace(mark, f' value="{escape(value)}"' if value else "")
    return html


class SignupForm(HoneypotMixin, PersonMixin):
    """Sign up for an event (conference: with type and workshop), with its own questions."""

    def __init__(self, *args, event: EventPage, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["name"].initial = user.get_full_name()
        kinds = type(event).attendee_kinds
        if len(kinds) > 1:
            self.fields["kind"] = forms.ChoiceField(
                label=_("I take part as"), choices=[(k, str(label)) for k, label in kinds]
            )
        if event.max_party_size > 1:
            self.fields["party_size"] = forms.IntegerField(
                label=_("Number of people (including you)"),
                min_value=1,
                max_value=event.max_party_size,
                initial=1,
            )
        workshops = event.workshop_list  # a conference's; other kinds have none
        if workshops:
            self.fields["workshop"] = forms.TypedChoiceField(
                label=_("Workshop"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("No workshop"))] + [(w.pk, w.title) for w in workshops],
            )
        self.questions = list(event.questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == question.Kind.YES_NO:
                self.fields[name] = forms.BooleanField(
                    label=question.label, required=question.required
                )
            elif question.kind == question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    required=question.required,
                    choices=[("", "—")] + [(c, c) for c in question.choice_list],
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.label, required=question.required, max_length=MAX_ANSWER
                )
        # The honeypot goes last so that people never tab into it by accident.
        self.fields["website"] = self.fields.pop("website")

    @classmethod
    def marked(cls, event: EventPage) -> SignupForm:
        """The form of a signed-in person with marks for their address and name: the same
        HTML for everyone signed in (kept), each answer filled by :func:`fill_person`."""
        form = cls(event=event)
        for name, mark in PERSON_MARKS.items():
            form.fields[name].initial = mark
        return form

    def answers(self) -> dict:
        return {
            question.label: self.cleaned_data.get(f"q{question.pk}")
            for question in self.questions
            if self.cleaned_data.get(f"q{question.pk}") not in (None, "")
        }

    def workshop(self):
        pk = self.cleaned_data.get("workshop")
        return next((w for w in self.event.workshop_list if w.pk == pk), None) if pk else None


class HelperForm(HoneypotMixin, PersonMixin):
    def __init__(self, *args, festival, shifts=None, **kwargs):
        """``shifts``: the shifts to offer (default: all of the festival's)."""
        super().__init__(*args, **kwargs)
        self.festival = festival
        self.shifts = festival.shift_list if shifts is None else shifts
        shifts = self.shifts
        self.fields["shift"] = forms.TypedChoiceField(
            label=_("Shift"), coerce=int, choices=[(s.pk, str(s)) for s in shifts]
        )
        self.fields["website"] = self.fields.pop("website")

    def shift(self):
        pk = self.cleaned_data["shift"]  # one of the choices: the field checked it
        return next(s for s in self.shifts if s.pk == pk)


class ContributionForm(HoneypotMixin, PersonMixin):
    contribution_kind = forms.ChoiceField(
        label=_("What would you like to contribute?"), choices=Registration.Contribution.choices
    )
    contribution_text = forms.CharField(
        label=_("Tell us more"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. a dish from your country, a stand of your association, a song"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"] = self.fields.pop("website")


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False)
    action_field = forms.TypedChoiceField(
        label=_("Action field"), required=False, coerce=int, empty_value=None
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, action_fields=(), site=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the kinds the apps on this site declare (treffpunkt.calendar.kinds)
        self.fields["kind"].choices = [("", _("All")), *kind_choices(site)]
        self.fields["action_field"].choices = [("", _("All"))] + [
            (f.pk, getattr(f, "display_name", f.name)) for f in action_fields
        ]
        self.fields["language"].choices = [("", _("All"))] + list(settings.INTERFACE_LANGUAGES)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        for key in ("start", "end"):
            value = data.get(key)
            if value and not (date(1900, 1, 1) <= value <= date(2200, 1, 1)):
                self.add_error(key, _("Enter a date between 1900 and 2200."))
        return data
