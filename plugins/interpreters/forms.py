"""The request form of requesters; appointment times are read on the town's wall clock."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Request

#: how far ahead a request may lie
MAX_AHEAD = dt.timedelta(days=366)


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime | None:
    """``day`` at ``time`` in the town's time zone, or None for a wall-clock time that does
    not exist (the hour skipped when clocks go forward)."""
    zone = timezone.get_current_timezone()
    value = dt.datetime.combine(day, time).replace(tzinfo=zone)
    roundtrip = value.astimezone(dt.UTC).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != value.replace(tzinfo=None):
        return None
    return value


class RequestForm(forms.ModelForm):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))

    class Meta:
        model = Request
        fields = [
            "language",
            "dialect",
            "day",
            "time",
            "duration_minutes",
            "mode",
            "place",
            "topic",
            "preferred_gender",
            "organisation",
            "note",
            "offer_mode",
        ]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
            "mode": forms.RadioSelect,
            "offer_mode": forms.RadioSelect,
        }

    def __init__(self, *args, now: dt.datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.fields["language"].choices = [("", "—"), *self.fields["language"].choices[1:]]
        self.fields["preferred_gender"].choices = [
            ("", _("does not matter")),
            *[c for c in self.fields["preferred_gender"].choices if c[0]],
        ]

    def clean(self):
        data = super().clean()
        day, time = data.get("day"), data.get("time")
        if day is None or time is None:
            return data
        starts_at = local_datetime(day, time)
        if starts_at is None:
            self.add_error("time", _("This time does not exist on that day (the clocks change)."))
            return data
        if starts_at <= self.now:
            self.add_error("day", _("The appointment must lie in the future."))
        elif starts_at > self.now + MAX_AHEAD:
            self.add_error("day", _("The appointment may lie at most a year ahead."))
        data["starts_at"] = starts_at
        return data

    def save(self, commit: bool = True) -> Request:
        self.instance.starts_at = self.cleaned_data["starts_at"]
        return super().save(commit=commit)


class HoursForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes spent"), min_value=1, max_value=720)
    travel_km = forms.DecimalField(
        label=_("Travel (km)"),
        min_value=0,
        max_value=500,
        max_digits=6,
        decimal_places=1,
        required=False,
    )

    def __init__(self, *args, travel: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not travel:
            del self.fields["travel_km"]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class CoordinatorForm(forms.Form):
    """A manager names a member of the town's network pool coordinator."""

    user = MemberChoiceField(
        label=_("Network member"),
        queryset=None,
        help_text=_("Only members of this town's network can coordinate its pool."),
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        from treffpunkt.accounts import roles

        from .models import PoolCoordinator

        named = PoolCoordinator.objects.filter(site=site).values("user_id")
        self.fields["user"].queryset = (
            roles.network_members_of(site)
            .filter(is_superuser=False)
            .exclude(pk__in=named)
            .order_by("first_name", "last_name", "email")
        )
