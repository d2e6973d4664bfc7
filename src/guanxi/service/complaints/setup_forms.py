"""Forms of the complaints' set-up pages (CMP-1, CMP-2). They check shapes only; the rules are
the set-up services', so the pages and the API refuse the same input with the same messages.
Field names are the services' (respond_minutes, to_user_id …), so a service's field error
lands next to its field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User
from guanxi.core.forms import checkbox_field, number_field, priority_field, text_field
from guanxi.sales.models import Product
from guanxi.service.models import ComplaintCategory, Severity

SELECT = {"class": "form-select"}
CONTROL = {"class": "form-control"}
MAX_HOURS = 24 * 365


def _offer(field: forms.Field, rows: list[tuple[int, str]]) -> None:
    """The choices of an id select: its empty choice (its `empty_label`), then `rows`."""
    if isinstance(field, IdSelect):
        field.choices = [("", field.empty_label), *rows]


class IdSelect(forms.TypedChoiceField):
    """An optional id from choices the form sets when it is made (`_offer`)."""

    def __init__(self, label: Any, *, empty: Any) -> None:
        super().__init__(
            label=label,
            choices=[("", empty)],
            coerce=int,
            required=False,
            empty_value=None,
            widget=forms.Select(attrs=SELECT),
        )
        self.empty_label = empty


class DurationWidget(forms.MultiWidget):
    """Hours and minutes side by side, each with its unit."""

    template_name = "service/complaints/setup/duration_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        hours = forms.NumberInput(attrs={"min": 0, "max": MAX_HOURS, "inputmode": "numeric"})
        minutes = forms.NumberInput(attrs={"min": 0, "max": 59, "step": 1, "inputmode": "numeric"})
        super().__init__([hours, minutes], attrs={**CONTROL, **(attrs or {})})

    def decompress(self, value: Any) -> list[Any]:
        if value in (None, ""):
            return [None, None]
        return list(divmod(int(value), 60))


class DurationField(forms.MultiValueField):
    """Business minutes entered as hours and minutes ("4" h "30" min → 270)."""

    widget = DurationWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=0, max_value=MAX_HOURS, required=False),
            forms.IntegerField(min_value=0, max_value=59, required=False),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> int | None:
        if not data_list or all(v in (None, "") for v in data_list):
            return None
        hours, minutes = (v or 0 for v in data_list)
        return int(hours) * 60 + int(minutes)


class CategoryForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and _, for integrations and reports; it cannot change."),
        widget=forms.TextInput(attrs={**CONTROL, "autocomplete": "off"}),
    )
    name = text_field(_("Name (Chinese)"), max_length=80)
    name_en = text_field(_("Name in English"), max_length=120, required=False)
    sort_order = number_field(
        _("Order"),
        min_value=0,
        max_value=100000,
        initial=0,
        help_text=_("Smaller numbers come first."),
    )
    active = checkbox_field(_("Active (can be chosen for new complaints)"), initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the code stays what it was
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code cannot change.")


class RouteRuleForm(forms.Form):
    category_id = IdSelect(_("Complaint category"), empty=_("Any category"))
    product_id = IdSelect(_("Product"), empty=_("Any product"))
    customer_department_id = IdSelect(_("Customer's department"), empty=_("Any department"))
    to_department_id = IdSelect(_("To the queue of"), empty="—")
    to_user_id = IdSelect(_("Or straight to the user"), empty="—")
    priority = priority_field(
        _("Priority"), help_text=_("Rules with a smaller number are tried first.")
    )

    def __init__(
        self,
        *args: Any,
        categories: list[ComplaintCategory],
        products: list[Product],
        departments: list[Department],
        users: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)

        _offer(self.fields["category_id"], [(c.pk, str(c)) for c in categories])
        _offer(self.fields["product_id"], [(p.pk, str(p)) for p in products])
        depts = [(d.pk, "\u3000" * d.depth + d.name) for d in departments]
        _offer(self.fields["customer_department_id"], depts)
        _offer(self.fields["to_department_id"], depts)
        _offer(
            self.fields["to_user_id"],
            [(u.pk, f"{u.get_full_name() or u.username} ({u.username})") for u in users],
        )


class SlaTargetForm(forms.Form):
    category_id = IdSelect(_("Complaint category"), empty=_("Any category"))
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("Any severity")), *Severity.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    respond_minutes = DurationField(
        label=_("Respond within"),
        help_text=_("Working time until someone accepts the complaint."),
    )
    resolve_minutes = DurationField(
        label=_("Resolve within"),
        help_text=_("Working time until the complaint is closed."),
    )

    def __init__(self, *args: Any, categories: list[ComplaintCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self.fields["category_id"], [(c.pk, str(c)) for c in categories])


class SettingsForm(forms.Form):
    route_minutes = DurationField(
        label=_("Route within"),
        help_text=_("Working time for a new complaint to reach its handler or queue."),
    )
    next_level_minutes = DurationField(
        label=_("Escalate one level higher after"),
        help_text=_("Working time an escalated complaint waits before it goes up again."),
    )
    compensation_approval_above = forms.DecimalField(
        label=_("Compensation needs approval above (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Goodwill above this amount goes through the approval flow first."),
        widget=forms.NumberInput(attrs={**CONTROL, "step": "0.01", "inputmode": "decimal"}),
    )
