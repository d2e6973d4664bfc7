"""The import's forms: the upload, and the column mapping with its options."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.imports.models import ImportBatch
from guanxi.imports.spreadsheets.fields import ImportField
from guanxi.imports.spreadsheets.services import MappingInput


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportBatch.Kind.choices,
        initial=ImportBatch.Kind.CUSTOMERS,
        required=False,  # none chosen: customers, as before there were kinds
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args: Any, kinds: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)  # noqa: S101 - declared so
            kind_field.choices = [c for c in ImportBatch.Kind.choices if c[0] in kinds]


class MappingForm(forms.Form):
    """One choice of field per column of the file, and the options."""

    on_duplicate = forms.ChoiceField(
        label=_("When a row matches an existing customer"),
        choices=ImportBatch.OnDuplicate.choices,
    )
    create_tags = forms.BooleanField(
        label=_("Create tags the archive does not have"), required=False
    )
    create_sources = forms.BooleanField(
        label=_("Create lead sources the archive does not have"), required=False
    )
    default_owner = forms.ModelChoiceField(
        label=_("Owner of rows without one"), queryset=User.objects.none(), required=False
    )
    save_as = forms.CharField(
        label=_("Save the mapping as a template named"), max_length=60, required=False
    )

    def __init__(
        self,
        *args: Any,
        batch: ImportBatch,
        fields: list[ImportField],
        owners: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.batch = batch
        choices = [("", "—"), *[(f.key, f.label) for f in fields]]
        by_column = {index: key for key, index in batch.mapping.items()}
        self.column_names = []
        for index, header in enumerate(batch.headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=by_column.get(index, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.column_names.append(name)
        if owners and batch.kind != ImportBatch.Kind.PURCHASES:
            owner_field = self.fields["default_owner"]
            assert isinstance(owner_field, forms.ModelChoiceField)  # noqa: S101 - declared so
            owner_field.queryset = User.objects.filter(pk__in=[u.pk for u in owners])
            self.fields["default_owner"].initial = batch.default_owner_id
            if batch.kind == ImportBatch.Kind.FOLLOWUPS:
                owner_field.label = _("Consultant of rows without one")
        else:
            del self.fields["default_owner"]
        if batch.kind != ImportBatch.Kind.CUSTOMERS:
            # options of the customer import only: a follow-up or purchase row never
            # changes its customer, and brings no tags or sources
            for name in ("on_duplicate", "create_tags", "create_sources"):
                del self.fields[name]
            return
        self.fields["on_duplicate"].initial = batch.on_duplicate
        self.fields["create_tags"].initial = batch.create_tags
        self.fields["create_sources"].initial = batch.create_sources

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [str(data[name]) for name in self.column_names if data.get(name)]
        twice = sorted({key for key in chosen if chosen.count(key) > 1})
        if twice:
            raise forms.ValidationError(
                _("Each field can take one column only: %(fields)s") % {"fields": ", ".join(twice)}
            )
        return data

    def columns(self) -> list[forms.BoundField]:
        return [self[name] for name in self.column_names]

    def to_input(self) -> MappingInput:
        data = self.cleaned_data
        mapping = {
            data[name]: index for index, name in enumerate(self.column_names) if data.get(name)
        }
        owner = data.get("default_owner")
        return MappingInput(
            mapping=mapping,
            on_duplicate=data.get("on_duplicate") or ImportBatch.OnDuplicate.SKIP,
            create_sources=bool(data.get("create_sources")),
            create_tags=bool(data.get("create_tags")),
            default_owner_id=owner.pk if owner else None,
            template_name=data.get("save_as") or "",
        )
