"""Forms of the field check-in (INTG-5): the phone's location arrives in hidden fields filled
by static/pipeline/checkin.js; the service checks every value."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CheckInForm(forms.Form):
    latitude = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    accuracy_m = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What happened at the visit"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        ),
    )


class LocationForm(forms.Form):
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
    )
