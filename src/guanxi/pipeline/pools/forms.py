"""Forms of the public-pool pages (INT-6, INT-7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User
from guanxi.customers.models import Source
from guanxi.pipeline.models import Grade, PoolEntry, Stage
from guanxi.pipeline.pools.services import MANUAL_REASONS

_NUMBER = {"class": "form-control", "min": 1, "max": 3650, "inputmode": "numeric"}
# Quotas count customers, not days: no 3650 ceiling in the browser.
_QUOTA = {"class": "form-control", "min": 0, "inputmode": "numeric"}


class ReleaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—")] + [(r.value, r.label) for r in MANUAL_REASONS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class PoolFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = [("", _("All"))]
        self.fields["reason"].choices = anyone + list(PoolEntry.Reason.choices)
        self.fields["stage"].choices = anyone + [(s.code, str(s)) for s in Stage.objects.all()]
        self.fields["source"].choices = anyone + [(s.pk, str(s)) for s in Source.objects.all()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: self.cleaned_data.get(k) or "" for k in ("reason", "stage", "source")}


def _rule_keys():
    """("*", label), then each stage, then each grade: one number input per key and rule."""
    keys = [("*", _("Any stage or grade (default)"))]
    keys += [(s.code, str(s)) for s in Stage.objects.all()]
    keys += [(g.value, g.label) for g in Grade if g.value]
    return keys


class PoolForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    member_users = forms.ModelMultipleChoiceField(
        label=_("Member users"), queryset=User.objects.none(), required=False
    )
    member_departments = forms.ModelMultipleChoiceField(
        label=_("Member departments"), queryset=Department.objects.none(), required=False
    )
    admins = forms.ModelMultipleChoiceField(
        label=_("Pool admins"), queryset=User.objects.none(), required=False
    )
    departments_recycled = forms.ModelMultipleChoiceField(
        label=_("Recycles customers of these departments"),
        queryset=Department.objects.none(),
        required=False,
    )
    no_progress_contacts = forms.IntegerField(
        label=_("Or after K contacts without progress"),
        min_value=1,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    no_deal_days = forms.IntegerField(
        label=_("Recycle after N days without a deal"),
        min_value=1,
        max_value=3650,
        required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    exempt_dealt = forms.BooleanField(
        label=_("Customers with a deal are never recycled"), required=False, initial=True
    )
    warn_days = forms.IntegerField(
        label=_("Warn the owner D days before"),
        min_value=0,
        max_value=365,
        initial=3,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    daily_claim_cap = forms.IntegerField(
        label=_("Claims per user per day"),
        min_value=0,
        max_value=10000,
        initial=10,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    cooldown_days = forms.IntegerField(
        label=_("Days before the previous owner may claim again"),
        min_value=0,
        max_value=3650,
        initial=7,
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    max_owned = forms.IntegerField(
        label=_("Most customers a user may own"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs=_QUOTA),
    )
    max_locked = forms.IntegerField(
        label=_("Most locked customers a user may have"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs=_QUOTA),
    )
    max_owned_per_department = forms.IntegerField(
        label=_("Most customers a department's members may own together"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs=_QUOTA),
    )
    max_locked_per_department = forms.IntegerField(
        label=_("Most locked customers a department's members may have together"),
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs=_QUOTA),
    )
    count_dealt = forms.BooleanField(
        label=_("Customers with a deal count towards the quota"), required=False
    )
    masks_phones = forms.BooleanField(
        label=_("Phones masked until claimed"), required=False, initial=True
    )

    RULES = ("no_followup_days", "no_progress_days")

    def __init__(self, *args, pool=None, **kwargs):
        if pool is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(pool)
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("username")
        departments = Department.objects.all()
        for name in ("member_users", "admins"):
            self.fields[name].queryset = users
        for name in ("member_departments", "departments_recycled"):
            self.fields[name].queryset = departments
        for name in ("member_users", "admins", "member_departments", "departments_recycled"):
            self.fields[name].widget.attrs.update({"class": "form-select", "size": 6})
        self.rule_rows = []
        for key, label in _rule_keys():
            row = {"label": label, "fields": []}
            for rule in self.RULES:
                field_name = f"{rule}__{key}"
                self.fields[field_name] = forms.IntegerField(
                    label=label,
                    min_value=1,
                    max_value=3650,
                    required=False,
                    widget=forms.NumberInput(attrs=_NUMBER),
                )
                row["fields"].append(field_name)
            self.rule_rows.append(row)

    @classmethod
    def initial_from(cls, pool) -> dict:
        initial = {
            name: getattr(pool, name)
            for name in (
                "name",
                "is_active",
                "no_progress_contacts",
                "no_deal_days",
                "exempt_dealt",
                "warn_days",
                "daily_claim_cap",
                "cooldown_days",
                "max_owned",
                "max_locked",
                "max_owned_per_department",
                "max_locked_per_department",
                "count_dealt",
                "masks_phones",
            )
        }
        for name in ("member_users", "admins", "member_departments", "departments_recycled"):
            initial[name] = list(getattr(pool, name).values_list("pk", flat=True))
        for rule in cls.RULES:
            for key, days in (getattr(pool, rule) or {}).items():
                initial[f"{rule}__{key}"] = days
        return initial

    def people_fields(self):
        names = ("member_users", "member_departments", "admins", "departments_recycled")
        return [self[name] for name in names]

    def number_fields(self):
        names = (
            "no_progress_contacts",
            "no_deal_days",
            "warn_days",
            "daily_claim_cap",
            "cooldown_days",
            "max_owned",
            "max_locked",
            "max_owned_per_department",
            "max_locked_per_department",
        )
        return [self[name] for name in names]

    def switch_fields(self):
        return [self[n] for n in ("is_active", "exempt_dealt", "count_dealt", "masks_phones")]

    def rule_table(self):
        """(label, no-follow-up days field, no-progress days field) per stage or grade."""
        return [(row["label"], *(self[name] for name in row["fields"])) for row in self.rule_rows]

    def to_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if "__" not in k}
        for rule in self.RULES:
            data[rule] = {
                name.split("__", 1)[1]: value
                for name, value in self.cleaned_data.items()
                if name.startswith(f"{rule}__") and value
            }
        return data
