"""The board's filter form: parsing only."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.accounts.selectors import departments_in_scope, users_in_scope
from guanxi.core.forms import choice_field
from guanxi.customers.models import Source, Tag
from guanxi.pipeline.board.selectors import BoardFilters
from guanxi.pipeline.models import Grade


class BoardFilterForm(forms.Form):
    owner = choice_field(gettext_lazy("Owner"))
    department = choice_field(gettext_lazy("Department"))
    grade = choice_field(gettext_lazy("Grade"))
    source = choice_field(gettext_lazy("Source"))
    tag = choice_field(gettext_lazy("Tag"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = [("", _("All"))]
        # only the columns a name needs: the board is a page of the budget (issue 13)
        owners = users_in_scope(user=user).select_related(None).only(*User.NAME_FIELDS)
        self.fields["owner"].choices = anyone + [(u.pk, str(u)) for u in owners]
        self.fields["department"].choices = anyone + [
            (d.pk, str(d)) for d in departments_in_scope(user=user).only("id", "name")
        ]
        self.fields["grade"].choices = anyone + [c for c in Grade.choices if c[0]]
        self.fields["source"].choices = anyone + [
            (s.pk, str(s)) for s in Source.objects.filter(is_active=True)
        ]
        self.fields["tag"].choices = anyone + list(Tag.objects.values_list("pk", "name"))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def _int(self, name: str) -> int | None:
        value = self.cleaned_data.get(name) if self.is_valid() else None
        return int(value) if value else None

    def to_filters(self) -> BoardFilters:
        return BoardFilters(
            owner=self._int("owner"),
            department=self._int("department"),
            grade=(self.cleaned_data.get("grade") or "") if self.is_valid() else "",
            source=self._int("source"),
            tag=self._int("tag"),
        )
