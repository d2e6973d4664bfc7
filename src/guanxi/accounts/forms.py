"""Forms of the account pages. They parse and check shapes only; rules live in services."""

from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts import permissions
from guanxi.accounts.models import Department, Role, User
from guanxi.accounts.time_zones import COMMON_TIME_ZONES, time_zone_choices
from guanxi.core.audit_actions import audit_action_choices


class TablerFormMixin:
    """Give every widget the Tabler (Bootstrap 5) class it needs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


def _departments():
    return Department.objects.order_by("path")


def _users(*, keeping: User | None = None):
    """The active users; and `keeping`, the one a record names already, who stays the shown
    choice after leaving the company (else a form saved unchanged would drop them)."""
    kept = Q(pk=keeping.pk) if keeping is not None else Q()
    return User.objects.filter(Q(is_active=True) | kept).order_by("username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})" if str(obj) != obj.username else obj.username


class RoleMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


# ---------------------------------------------------------------- login and profile


class LoginForm(TablerFormMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SetPasswordForm(TablerFormMixin, forms.Form):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class PasswordChangeForm(SetPasswordForm):
    field_order = ["old_password", "new_password", "new_password2"]

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LanguageForm(TablerFormMixin, forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


def _time_zone_choices():
    choices = time_zone_choices()
    common = [c for c in choices if c[0] in COMMON_TIME_ZONES]
    return [(_("Common"), common), (_("All time zones"), choices[len(common) :])]


class TimeZoneForm(TablerFormMixin, forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        help_text=_("Dates, times and due days are shown in this time zone."),
    )


TOKEN_LIFETIMES = [
    ("", _("Never (until revoked)")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
]


class TokenForm(TablerFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. call-centre integration")}),
    )
    expires = forms.ChoiceField(
        label=_("Expires"), choices=TOKEN_LIFETIMES, required=False, initial="90"
    )
    scope = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, scopes: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scopes:
            self.fields["scope"].choices = [("", _("Acts as you everywhere")), *scopes]
        else:
            del self.fields["scope"]

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + timedelta(days=int(days)) if days else None


class ResetPasswordForm(SetPasswordForm):
    revoke_tokens = forms.BooleanField(
        label=_("Also revoke the user's API tokens"), required=False, initial=True
    )


class TokenFilterForm(TablerFormMixin, forms.Form):
    user = UserChoiceField(
        label=_("User"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.order_by("username")


# ---------------------------------------------------------------- administration


class DepartmentForm(TablerFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    parent = DepartmentChoiceField(
        label=_("Parent department"), queryset=Department.objects.none(), required=False
    )
    manager = UserChoiceField(
        label=_("Department head"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, with_manager: bool = True, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _departments()
        if with_manager:
            head = editing.manager if editing is not None else None
            self.fields["manager"].queryset = _users(keeping=head)
        else:
            del self.fields["manager"]


class UserForm(TablerFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    reports_to = UserChoiceField(
        label=_("Reports to"), queryset=User.objects.none(), required=False
    )
    roles = RoleMultipleField(
        label=_("Roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        users = _users(keeping=editing.reports_to if editing is not None else None)
        if editing is not None:
            users = users.exclude(pk=editing.pk)
            del self.fields["username"]
            del self.fields["password"]
        else:
            del self.fields["is_active"]
        self.fields["reports_to"].queryset = users
        self.fields["roles"].queryset = Role.objects.order_by("id")


class RoleForm(TablerFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    data_scope = forms.ChoiceField(
        label=_("Data scope"), choices=Role.DATA_SCOPE_CHOICES, widget=forms.RadioSelect
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=permissions.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class UserFilterForm(TablerFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Role.objects.none(), required=False, empty_label=_("All")
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Inactive"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        self.fields["role"].queryset = Role.objects.order_by("id")


class AuditFilterForm(TablerFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = UserChoiceField(
        label=_("User"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All")), *audit_action_choices()]
        self.fields["actor"].queryset = User.objects.order_by("username")
