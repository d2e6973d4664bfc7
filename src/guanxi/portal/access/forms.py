from django import forms
from django.utils.translation import gettext_lazy as _


class CodeRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "inputmode": "email", "class": "form-control"}
        ),
    )


class CodeVerifyForm(forms.Form):
    pending = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "class": "form-control",
            }
        ),
    )
