"""Forms of the manager view and the targets page (ORD-6, ORD-8). They parse the query
string and the posted values; the rules (scope, ≥ 0, period start …) are the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.forms import date_input
from guanxi.sales.models import SalesTarget
from guanxi.sales.reports.selectors import CUSTOM, ReportPeriod, department_choices, report_period

_SELECT = {"class": "form-select form-select-sm"}
_DATE_CSS = "form-control form-control-sm"


def _period_choices(*, custom: bool):
    choices = list(SalesTarget.Period.choices)
    if custom:
        choices.append((CUSTOM, _("Custom")))
    return choices


class ReportPeriodForm(forms.Form):
    """?period=month|quarter|year|custom&on=YYYY-MM-DD (a day in the period; default today)
    &start=…&end=… (custom) &department=<id>."""

    period = forms.ChoiceField(label=_("Period"), required=False, widget=forms.Select(_SELECT))
    on = forms.DateField(
        label=_("Containing the day"),
        required=False,
        widget=date_input(css=_DATE_CSS),
    )
    start = forms.DateField(label=_("From"), required=False, widget=date_input(css=_DATE_CSS))
    end = forms.DateField(label=_("To"), required=False, widget=date_input(css=_DATE_CSS))
    department = forms.ChoiceField(
        label=_("Department"), required=False, widget=forms.Select(_SELECT)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _period_choices(custom=True)
        self._departments = {str(d.pk): d for d in department_choices(viewer=user)}
        if self._departments:
            self.fields["department"].choices = [("", _("All"))] + [
                (key, f"{'　' * d.depth}{d}") for key, d in self._departments.items()
            ]
        else:
            del self.fields["department"]

    def result(self) -> tuple[ReportPeriod, object]:
        """(period, department or None). Invalid input → the form's errors and this month;
        the service's ValidationFailed is raised for a custom period without dates."""
        today = timezone.localdate()
        if not self.is_valid():
            return report_period(today=today), None
        data = self.cleaned_data
        department = self._departments.get(data.get("department") or "")
        period = report_period(
            kind=data.get("period") or None,
            on=data.get("on"),
            start=data.get("start"),
            end=data.get("end"),
            today=today,
        )
        return period, department


class TargetPeriodForm(forms.Form):
    """The targets page's period: ?period=month|quarter|year&on=YYYY-MM-DD."""

    period = forms.ChoiceField(label=_("Period"), required=False, widget=forms.Select(_SELECT))
    on = forms.DateField(
        label=_("Containing the day"),
        required=False,
        widget=date_input(css=_DATE_CSS),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _period_choices(custom=False)

    def result(self) -> tuple[str, object]:
        today = timezone.localdate()
        if not self.is_valid():
            return SalesTarget.Period.MONTH, today
        return (
            self.cleaned_data.get("period") or SalesTarget.Period.MONTH,
            self.cleaned_data.get("on") or today,
        )


class TargetValuesForm(forms.Form):
    """One row of the targets page: the three measures of one user or department. Blank
    removes the target; the values are checked by services_targets.targets_save."""

    subject = forms.RegexField(regex=r"^[ud][0-9]{1,12}$", widget=forms.HiddenInput)
    period = forms.ChoiceField(choices=SalesTarget.Period.choices, widget=forms.HiddenInput)
    starts_on = forms.DateField(widget=forms.HiddenInput)
    signed = forms.CharField(label=_("Signed amount"), required=False, max_length=20)
    collected = forms.CharField(label=_("Collected amount"), required=False, max_length=20)
    new_customers = forms.CharField(label=_("New customers"), required=False, max_length=12)

    METRIC_FIELDS = {
        SalesTarget.Metric.SIGNED: "signed",
        SalesTarget.Metric.COLLECTED: "collected",
        SalesTarget.Metric.NEW_CUSTOMERS: "new_customers",
    }

    def values(self) -> dict[SalesTarget.Metric, str]:
        return {
            metric: self.cleaned_data.get(name, "") for metric, name in self.METRIC_FIELDS.items()
        }
