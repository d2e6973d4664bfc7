"""Forms of the customer pages. They only collect and render input: every business rule is
checked by the services, whose field errors are put back on the form
(`core.forms.form_add_errors`)."""

import datetime as dt
import re
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import User
from guanxi.accounts.selectors import departments_in_scope, users_in_scope
from guanxi.core.forms import date_input, moment_input, moment_text
from guanxi.core.phones import mask_phone
from guanxi.customers.archive.selectors import SORTS, CustomerFilters
from guanxi.customers.archive.validation import ContactInput, CustomerInput
from guanxi.customers.models import (
    Attachment,
    Customer,
    CustomFieldDefinition,
    Industry,
    Source,
    Tag,
)

ANY = [("", _("Any"))]
SORT_LABELS = {
    "-id": _("Newest first"),
    "id": _("Oldest first"),
    "-updated": _("Recently changed"),
    "name": _("Name (pinyin)"),
}
TAG_SPLIT = re.compile(r"[,，、;；\n]+")


def _choices(model_choices):
    return ANY + [(v, label) for v, label in model_choices if v != ""]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        department = getattr(obj, "department", None)
        return f"{obj} ({department})" if department else str(obj)


class CustomerFilterForm(forms.Form):
    """The search box and filters of the list (GET). Invalid values are ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, pinyin, initials, phone, organisation or tag"),
                "autocomplete": "off",
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=_choices(Customer.Kind.choices)
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_choices(Customer.Category.choices)
    )
    owner = UserChoiceField(
        label=_("Owner"), required=False, queryset=User.objects.none(), empty_label=ANY[0][1]
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=None, empty_label=ANY[0][1]
    )
    # A name, not a <select> of every tag: there may be thousands.
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)
    source = forms.ModelChoiceField(
        label=_("Source"),
        required=False,
        queryset=Source.objects.filter(is_active=True),
        empty_label=ANY[0][1],
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), required=False, queryset=Industry.objects.all(), empty_label=ANY[0][1]
    )
    level = forms.ChoiceField(
        label=_("Customer level"), required=False, choices=_choices(Customer.Level.choices)
    )
    province = forms.CharField(label=_("Province"), required=False, max_length=20)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=date_input())
    created_to = forms.DateField(label=_("Created to"), required=False, widget=date_input())
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, SORT_LABELS.get(key, key)) for key in SORTS],
    )

    ADVANCED = (
        "kind",
        "category",
        "owner",
        "department",
        "tag",
        "source",
        "industry",
        "level",
        "province",
        "created_from",
        "created_to",
    )

    def __init__(self, *args, user, options=True, **kwargs):
        """`options`: the owner and department options will be shown. Without them the two
        querysets are built only for a value to check (the list page while its filter panel
        is closed, the count, the exports)."""
        super().__init__(*args, **kwargs)
        self.options = options
        if options or self.data.get("owner"):
            self.fields["owner"].queryset = users_in_scope(user=user).order_by("username")
        if options or self.data.get("department"):
            self.fields["department"].queryset = departments_in_scope(user=user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def to_filters(self) -> CustomerFilters:
        if not self.is_bound:
            return CustomerFilters()
        self.is_valid()  # invalid fields are left out of cleaned_data, i.e. ignored
        data = self.cleaned_data

        def pk(name):
            value = data.get(name)
            return value.pk if value is not None else None

        return CustomerFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            category=data.get("category") or "",
            owner=pk("owner"),
            department=pk("department"),
            tag=self._tag_id(data.get("tag")),
            source=pk("source"),
            industry=pk("industry"),
            level=data.get("level") or "",
            province=(data.get("province") or "").strip(),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            sort=data.get("sort") or "-id",
        )

    @staticmethod
    def _tag_id(name):
        name = (name or "").strip()
        if not name:
            return None
        found = Tag.objects.filter(name=name).values_list("pk", flat=True).first()
        return found if found is not None else -1  # an unknown tag matches nothing

    @property
    def advanced_used(self) -> bool:
        """A filter of the panel is used (or the panel asked for): it is shown open."""
        return self.shows_options(self.data) or any(self.data.get(n) for n in self.ADVANCED)

    @classmethod
    def shows_options(cls, data) -> bool:
        """Whether the list renders the filter fields with the page: only when the panel was
        asked for by its link without JavaScript (?filters=1). Otherwise they are loaded by
        htmx, at once when a filter is used (the panel open), or when the panel is opened."""
        return bool(data.get("filters"))

    def querystring(self) -> str:
        """The active filters as a query string (for export links)."""
        return urlencode([(k, v) for k, v in self.data.items() if k in self.fields and v])


def _phone_field(label) -> forms.CharField:
    """A phone number: the service checks and normalises it; phones show the digit pad."""
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )


def split_tags(raw: str) -> list[str]:
    seen, names = set(), []
    for part in TAG_SPLIT.split(raw or ""):
        name = part.strip()
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names


class CustomerForm(forms.Form):
    """Every field of ARC-2, grouped in sections. Values are passed raw to the services."""

    SECTIONS = (
        (
            _("Basic"),
            ("kind", "name", "gender", "birth_date", "id_number", "occupation", "credit_code"),
        ),
        (_("Contact"), ("mobile", "home_phone", "office_phone", "fax", "email", "wechat")),
        (
            _("Address"),
            ("home_address", "home_postcode", "work_address", "work_postcode", "province", "city"),
        ),
        (
            _("Business"),
            (
                "industry",
                "scale",
                "source",
                "first_contact_at",
                "first_contact_channel",
                "products_of_interest",
                "level",
                "visit_minutes",
                "buyer_role",
            ),
        ),
        (_("Needs and notes"), ("needs", "background", "notes", "tags")),
    )
    PHONES = ("mobile", "home_phone", "office_phone", "fax")

    kind = forms.ChoiceField(
        label=_("Type"), choices=Customer.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Name"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=Customer.Gender.choices)
    birth_date = forms.CharField(label=_("Birth date"), required=False, widget=date_input())
    id_number = forms.CharField(label=_("ID number"), required=False)
    occupation = forms.CharField(label=_("Occupation"), required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), required=False)
    mobile = _phone_field(_("Mobile"))
    home_phone = _phone_field(_("Home phone"))
    office_phone = _phone_field(_("Office phone"))
    fax = _phone_field(_("Fax"))
    email = forms.CharField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"inputmode": "email"})
    )
    wechat = forms.CharField(label=_("WeChat"), required=False)
    home_address = forms.CharField(label=_("Home address"), required=False)
    home_postcode = forms.CharField(
        label=_("Home postcode"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    work_address = forms.CharField(label=_("Work address"), required=False)
    work_postcode = forms.CharField(
        label=_("Work postcode"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    province = forms.CharField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    scale = forms.ChoiceField(label=_("Scale"), required=False, choices=Customer.Scale.choices)
    source = forms.ChoiceField(label=_("Source"), required=False)
    first_contact_at = forms.CharField(
        label=_("First contact"),
        required=False,
        widget=moment_input(),
    )
    first_contact_channel = forms.ChoiceField(
        label=_("First contact channel"), required=False, choices=Customer.Channel.choices
    )
    products_of_interest = forms.CharField(label=_("Products of interest"), required=False)
    level = forms.ChoiceField(
        label=_("Customer level"), required=False, choices=Customer.Level.choices
    )
    visit_minutes = forms.CharField(
        label=_("Stay on visit (minutes)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 1440}),
    )
    buyer_role = forms.ChoiceField(
        label=_("Buyer or user"), required=False, choices=Customer.BuyerRole.choices
    )
    needs = forms.CharField(
        label=_("Needs"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    background = forms.CharField(
        label=_("Background"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas."),
        widget=forms.TextInput(attrs={"data-tags": "1", "autocomplete": "off"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, customer: Customer | None = None, **kwargs):
        self.customer = customer
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "—")] + [
            (str(i.pk), str(i)) for i in Industry.objects.all()
        ]
        # a source switched off since stays the choice of the customers who came from it
        kept = Q(pk=customer.source_id) if customer is not None and customer.source_id else Q()
        self.fields["source"].choices = [("", "—")] + [
            (str(s.pk), str(s)) for s in Source.objects.filter(Q(is_active=True) | kept)
        ]
        self.custom_definitions = [
            d
            for d in CustomFieldDefinition.objects.filter(is_active=True)
            if customer is None or not d.applies_to or d.applies_to == customer.kind
        ]
        for definition in self.custom_definitions:
            self.fields[f"custom_{definition.key}"] = self._custom_field(definition)
        if customer is not None:
            # The type of a customer never changes; phones and the ID number are not shown
            # in full: they are kept unless the user types a new value.
            del self.fields["kind"]
            hint = _("leave blank to keep")
            if customer.id_number_masked:
                self.fields["id_number"].widget.attrs["placeholder"] = (
                    f"{customer.id_number_masked} ({hint})"
                )
            for name in self.PHONES:
                value = getattr(customer, name)
                if value:
                    self.fields[name].widget.attrs["placeholder"] = f"{mask_phone(value)} ({hint})"
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)
            if name == "mobile" and customer is None:
                widget.attrs.setdefault("placeholder", "138 0013 8000")

    @staticmethod
    def _custom_field(definition):
        label = definition.label
        required = False  # the service enforces `required` with a translated message
        kind = definition.field_type
        if kind == CustomFieldDefinition.Type.BOOLEAN:
            return forms.BooleanField(label=label, required=False)
        if kind == CustomFieldDefinition.Type.CHOICE:
            return forms.ChoiceField(
                label=label,
                required=required,
                choices=[("", "—")] + [(str(c), str(c)) for c in definition.choices],
            )
        widget = forms.TextInput()
        if kind == CustomFieldDefinition.Type.DATE:
            widget = date_input()
        elif kind == CustomFieldDefinition.Type.NUMBER:
            widget = forms.TextInput(attrs={"inputmode": "decimal"})
        return forms.CharField(label=label, required=required, widget=widget)

    @classmethod
    def initial_for(cls, customer: Customer) -> dict:
        initial = {}
        for _title, names in cls.SECTIONS:
            for name in names:
                if name in ("tags", "id_number", *cls.PHONES, "kind"):
                    continue
                value = getattr(customer, name, None)
                if name in ("industry", "source"):
                    value = getattr(customer, f"{name}_id")
                elif name == "first_contact_at" and value:
                    value = moment_text(value)
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                initial[name] = "" if value is None else value
        for key, value in (customer.custom_data or {}).items():
            initial[f"custom_{key}"] = value
        initial["tags"] = ", ".join(t.name for t in customer.tags.all())
        initial["version"] = customer.version
        return initial

    def sections(self):
        """[(title, [bound fields])] for the template; custom fields get their own section."""
        result = []
        for title, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            result.append((title, fields))
        if self.custom_definitions:
            result.append(
                (_("Custom fields"), [self[f"custom_{d.key}"] for d in self.custom_definitions])
            )
        return result

    def to_input(self) -> tuple[CustomerInput, list[str]]:
        """What customer_create/customer_update take, and the tag names."""
        cleaned = self.cleaned_data
        data: dict[str, object] = {}
        for _title, names in self.SECTIONS:
            for name in names:
                if name not in self.fields or name == "tags":
                    continue
                value = cleaned.get(name, "")
                if self.customer is not None and name in ("id_number", *self.PHONES) and not value:
                    continue  # blank means "keep"
                if (
                    self.customer is not None
                    and name == "first_contact_at"
                    and value == moment_text(self.customer.first_contact_at)
                ):
                    continue  # as shown, to the minute: the stored seconds stay
                if self.customer is None and name == "id_number" and not value:
                    continue
                data[name] = value
        custom = {}
        for definition in self.custom_definitions:
            value = cleaned.get(f"custom_{definition.key}")
            if definition.field_type == CustomFieldDefinition.Type.BOOLEAN:
                custom[definition.key] = bool(value)
            elif value not in (None, ""):
                custom[definition.key] = value
        data["custom_data"] = custom
        return CustomerInput.from_dict(data), split_tags(cleaned.get("tags", ""))


class ContactForm(forms.Form):
    """Every field goes to the service, which checks it (a blank name included)."""

    name = forms.CharField(label=_("Name"), required=False)
    title = forms.CharField(label=_("Title"), required=False)
    is_decision_maker = forms.BooleanField(label=_("Decision maker"), required=False)
    mobile = forms.CharField(label=_("Mobile"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False)
    email = forms.CharField(label=_("E-mail"), required=False)
    wechat = forms.CharField(label=_("WeChat"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False)

    def to_input(self, *, editing: bool = False) -> ContactInput:
        """What contact_create (or, `editing`, contact_update) takes. The edit form never
        shows a contact's phones in full: a phone left blank there keeps the one on file."""
        data = dict(self.cleaned_data)
        if editing:
            for name in ("mobile", "phone"):
                if not data.get(name):
                    data.pop(name, None)
        return ContactInput(**data)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            checkbox = isinstance(field.widget, forms.CheckboxInput)
            field.widget.attrs.setdefault(
                "class", "form-check-input" if checkbox else "form-control"
            )


class ShareForm(forms.Form):
    user = UserChoiceField(
        label=_("User"), queryset=User.objects.filter(is_active=True).select_related("department")
    )
    can_edit = forms.TypedChoiceField(
        label=_("Access"),
        choices=[("0", _("Read only")), ("1", _("Read and write"))],
        coerce=lambda v: v == "1",
        initial="0",
    )
    until = forms.DateField(label=_("Until"), required=False, widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.attrs["class"] = "form-select"
        self.fields["can_edit"].widget.attrs["class"] = "form-select"
        self.fields["until"].widget.attrs["class"] = "form-control"

    def expires_at(self):
        until = self.cleaned_data.get("until")
        if not until:
            return None
        # Valid through the whole chosen day in the user's time zone.
        end = dt.datetime.combine(until, dt.time(23, 59, 59))
        return timezone.make_aware(end, timezone.get_current_timezone())


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"


class ReassignForm(forms.Form):
    to_user = UserChoiceField(label=_("New owner"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = users_in_scope(user=user).order_by("username")
        self.fields["to_user"].widget.attrs["class"] = "form-select"
        self.fields["reason"].widget.attrs["class"] = "form-control"


class HandoverForm(forms.Form):
    from_user = UserChoiceField(
        label=_("From (departing user)"),
        queryset=User.objects.select_related("department").order_by("username"),
    )
    to_user = UserChoiceField(
        label=pgettext_lazy("handover", "To"),
        queryset=User.objects.filter(is_active=True)
        .select_related("department")
        .order_by("username"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_user", "to_user"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["reason"].widget.attrs["class"] = "form-control"


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Customer number to merge into this one"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].widget.attrs["class"] = "form-control"
