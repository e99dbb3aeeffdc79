"""The forms of the plugin: short, each field with a label a newcomer understands."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treffpunkt.core.localize import language_name

from .models import CheckIn, Match, Offer, Slot

#: the languages an application can name: the site's five and those most spoken by
#: newcomers in the three towns (each shown in its own script)
SPOKEN_LANGUAGES = ["de", "ar", "uk", "tr", "en", "ru", "fa", "ku", "ti", "so", "fr", "ps"]


def spoken_language_choices():
    return [(code, language_name(code)) for code in SPOKEN_LANGUAGES]


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send you a link to confirm your application."),
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Which languages do you speak?"),
        choices=spoken_language_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    seeks = forms.MultipleChoiceField(
        label=_("What would you like help with?"),
        choices=Offer.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.CharField(label=_("Part of town (optional)"), max_length=100, required=False)
    availability = forms.MultipleChoiceField(
        label=_("When do you have time?"),
        choices=Slot.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    family = forms.CharField(
        label=_("Who is in your family? (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example: two children, 6 and 9 years. Only ages, no names."),
    )
    with_children = forms.BooleanField(label=_("Children take part"), required=False)
    message = forms.CharField(
        label=_("Anything else? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    share_phone = forms.BooleanField(
        label=_("The mentor may see my phone number"), required=False, initial=True
    )
    share_email = forms.BooleanField(
        label=_("The mentor may see my email address"), required=False, initial=True
    )
    consent = forms.BooleanField(label="", required=True)
    # a field people never see; bots fill it in
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, consent_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your name."))
        return name


class CounsellorApplicationForm(ApplicationForm):
    """A counselling service applies for someone: the person's details, the language their
    mails should be in, and the counsellor's word that the person agreed."""

    language = forms.ChoiceField(
        label=_("Language of the mails to the person"), choices=settings.INTERFACE_LANGUAGES
    )
    field_order = ["name", "email", "language"]

    def __init__(self, *args, consent_text="", **kwargs):
        super().__init__(*args, consent_text=consent_text, **kwargs)
        fields = self.fields
        fields["name"].label = _("Name of the person")
        fields["email"].label = _("The person's email address (optional)")
        fields["email"].required = False
        fields["email"].help_text = _(
            "We send the person a link to confirm. Without an address the link goes to you, "
            "and later mails for the person too."
        )
        fields["phone"].label = _("The person's phone (optional)")
        fields["languages"].label = _("Which languages does the person speak?")
        fields["seeks"].label = _("What would the person like help with?")
        fields["availability"].label = _("When does the person have time?")
        fields["family"].label = _("Who is in the family? (optional)")
        fields["share_phone"].label = _("The mentor may see the person's phone number")
        fields["share_email"].label = _("The mentor may see the person's email address")
        fields["consent"].label = _(
            "The person agreed to this after I explained it in a language they understand: "
            "%(consent)s"
        ) % {"consent": consent_text}


class ProposeForm(forms.Form):
    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int)
    first_meeting_at = forms.DateTimeField(
        label=_("First meeting"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    first_meeting_place = forms.CharField(
        label=_("Place of the first meeting"), max_length=200, required=False
    )

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [
            (suggestion.mentor.pk, suggestion.mentor.name) for suggestion in suggestions
        ]

    def clean_first_meeting_at(self):
        value = self.cleaned_data.get("first_meeting_at")
        if value is not None and value < timezone.now():
            raise forms.ValidationError(_("The first meeting must be in the future."))
        return value


class RedateForm(forms.Form):
    """A new date for the first meeting (the place stays unless a new one is given)."""

    first_meeting_at = forms.DateTimeField(
        label=_("New date of the first meeting"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    first_meeting_place = forms.CharField(
        label=_("Place of the first meeting"), max_length=200, required=False
    )

    def clean_first_meeting_at(self):
        value = self.cleaned_data.get("first_meeting_at")
        if value is not None and value < timezone.now():
            raise forms.ValidationError(_("The first meeting must be in the future."))
        return value


class TrainingForm(forms.Form):
    """A coordinator invites a programme's mentors to a training (an event with sign-up)."""

    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int)
    event = forms.TypedChoiceField(label=_("Training (an event with sign-up)"), coerce=int)

    def __init__(self, *args, programmes=(), events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.pk, p.name) for p in programmes]
        self.fields["event"].choices = [
            (event.pk, f"{event.title} ({timezone.localtime(event.start):%d.%m.%Y %H:%M})")
            for event in events
        ]


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why does the match end?"), choices=Match.EndReason.choices)


class CheckInForm(forms.Form):
    mood = forms.ChoiceField(
        label=_("How is it going?"), choices=CheckIn.Mood.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    please_contact = forms.BooleanField(label=_("Please contact me"), required=False)


class FeedbackForm(forms.Form):
    mood = forms.ChoiceField(
        label=_("How did it go?"), choices=CheckIn.Mood.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What would you like to tell us? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_match = forms.BooleanField(label=_("I would like to accompany someone new"), required=False)

    def __init__(self, *args, side="mentee", **kwargs):
        super().__init__(*args, **kwargs)
        if side != "mentor":
            del self.fields["new_match"]


class FirstMeetingForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the first meeting take place?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    held_on = forms.DateField(
        label=_("On which day?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held") and not cleaned.get("held_on") and "held_on" not in self.errors:
            self.add_error("held_on", _("Please enter the day of the first meeting."))
        return cleaned


LANGUAGE_CODES = [code for code, _name in settings.INTERFACE_LANGUAGES]
