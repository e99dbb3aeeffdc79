from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds email and password)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.INTERFACE_LANGUAGES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        self.fields["preferred_language"].initial = get_language()

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["first_name", "last_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "phone", "preferred_language"]
        # A telephone field: phones offer the number pad, and it reads left to right as
        # typed in every interface language.
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, strip=False)
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password
