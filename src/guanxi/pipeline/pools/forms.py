"""Forms of the public-pool pages (INT-6, INT-7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User
from guanxi.core.forms import choice_field, text_field
from guanxi.customers.models import Source
from guanxi.pipeline.models import Grade, PoolEntry, Stage
from guanxi.pipeline.pools.services import (
    MANUAL_REASONS,
    POOL_MEMBERS,
    POOL_QUOTAS,
    POOL_SETTINGS,
    PoolSettings,
)

_NUMBER = {"class": "form-control", "min": 1, "max": 3650, "inputmode": "numeric"}
# Quotas count customers, not days: no 3650 ceiling in the browser.
_QUOTA = {"class": "form-control", "min": 0, "inputmode": "numeric"}


class ReleaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—")] + [(r.value, r.label) for r in MANUAL_REASONS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = text_field(_("Note"), max_length=200, required=False)


class PoolFilterForm(forms.Form):
    reason = choice_field(_("Reason"))
    stage = choice_field(_("Stage"))
    source = choice_field(_("Source"))

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


def _number(label, *, minimum: int = 1, maximum: int = 3650, initial: int | None = None):
    """A number of days, contacts or claims in the rules: optional unless it has a default."""
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=initial is not None,
        initial=initial,
        widget=forms.NumberInput(attrs=_NUMBER),
    )


def _quota(label):
    """A number of customers: empty is no quota, 0 lets nobody claim or lock."""
    return forms.IntegerField(
        label=label, min_value=0, required=False, widget=forms.NumberInput(attrs=_QUOTA)
    )


class PoolForm(forms.Form):
    name = text_field(_("Name"), max_length=60)
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
    no_progress_contacts = _number(_("Or after K contacts without progress"), maximum=1000)
    no_deal_days = _number(_("Recycle after N days without a deal"))
    exempt_dealt = forms.BooleanField(
        label=_("Customers with a deal are never recycled"), required=False, initial=True
    )
    warn_days = _number(_("Warn the owner D days before"), minimum=0, maximum=365, initial=3)
    daily_claim_cap = _number(_("Claims per user per day"), minimum=0, maximum=10000, initial=10)
    cooldown_days = _number(
        _("Days before the previous owner may claim again"), minimum=0, initial=7
    )
    max_owned = _quota(_("Most customers a user may own"))
    max_locked = _quota(_("Most locked customers a user may have"))
    max_owned_per_department = _quota(_("Most customers a department's members may own together"))
    max_locked_per_department = _quota(
        _("Most locked customers a department's members may have together")
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
        for name in POOL_MEMBERS:
            self.fields[name].widget.attrs.update({"class": "form-select", "size": 6})
        self.rule_rows = []
        for key, label in _rule_keys():
            row = {"label": label, "fields": []}
            for rule in self.RULES:
                field_name = f"{rule}__{key}"
                self.fields[field_name] = _number(label)
                row["fields"].append(field_name)
            self.rule_rows.append(row)

    @classmethod
    def initial_from(cls, pool) -> dict:
        initial = {name: getattr(pool, name) for name in POOL_SETTINGS if name not in cls.RULES}
        for name in POOL_MEMBERS:
            initial[name] = list(getattr(pool, name).values_list("pk", flat=True))
        for rule in cls.RULES:
            for key, days in (getattr(pool, rule) or {}).items():
                initial[f"{rule}__{key}"] = days
        return initial

    def people_fields(self):
        return [self[name] for name in POOL_MEMBERS]

    def number_fields(self):
        names = ("no_progress_contacts", "no_deal_days", "warn_days", "daily_claim_cap")
        return [self[name] for name in (*names, "cooldown_days", *POOL_QUOTAS)]

    def switch_fields(self):
        return [self[n] for n in ("is_active", "exempt_dealt", "count_dealt", "masks_phones")]

    def rule_table(self):
        """(label, no-follow-up days field, no-progress days field) per stage or grade."""
        return [(row["label"], *(self[name] for name in row["fields"])) for row in self.rule_rows]

    def to_data(self) -> PoolSettings:
        data = {k: v for k, v in self.cleaned_data.items() if "__" not in k}
        for rule in self.RULES:
            data[rule] = {
                name.split("__", 1)[1]: value
                for name, value in self.cleaned_data.items()
                if name.startswith(f"{rule}__") and value
            }
        return data
