"""Forms of the 回访 pages (CARE-1) and spot checks (CARE-3). They check shapes only; the rules
are the services', so the pages and the API refuse the same input with the same messages."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from guanxi.care.models import CareTask, SpotCheck
from guanxi.care.visits.services import Resolution, TopicQuestion
from guanxi.core.forms import (
    ISO_MOMENT,
    checkbox_field,
    id_choice_field,
    moment_input,
    number_field,
    text_field,
)


def datetime_field(label: Any, *, required: bool = True) -> forms.DateTimeField:
    """A date and time with the browser's picker (`datetime-local`, in the user's zone)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[ISO_MOMENT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=moment_input(),
    )


def _notes(label: Any, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows}),
    )


class VisitCreateForm(forms.Form):
    topic = id_choice_field(_("Topic"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=CareTask.Channel.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    due_at = datetime_field(_("Due"))
    assignee = id_choice_field(_("Assignee"))
    title = text_field(
        _("Title"), required=False, max_length=200, help_text=_("Empty: the topic's name.")
    )
    notes = _notes(_("Notes"))

    def __init__(
        self, *args: Any, topics: list[Any], assignees: list[Any] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        topic_field = self.fields["topic"]
        assert isinstance(topic_field, forms.ChoiceField)  # noqa: S101 - declared above
        topic_field.choices = [("", "—"), *((t.pk, str(t)) for t in topics)]
        if assignees is None:
            del self.fields["assignee"]
        else:
            assignee_field = self.fields["assignee"]
            assert isinstance(assignee_field, forms.ChoiceField)  # noqa: S101
            assignee_field.choices = [("", _("Myself")), *((u.pk, str(u)) for u in assignees)]


class VisitDoForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CareTask.Outcome.choices, widget=forms.RadioSelect
    )
    score = forms.IntegerField(
        label=_("Satisfaction (1–10)"),
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": 10}),
    )
    notes = _notes(_("Notes"))
    retry_at = datetime_field(_("Try again at (when nobody answered)"), required=False)

    @staticmethod
    def answers_from(data: QueryDict) -> dict[str, str]:
        """The answers typed under the topic's questions (fields `answer_<key>`)."""
        return {
            name.removeprefix("answer_"): str(value)
            for name, value in data.items()
            if name.startswith("answer_")
        }


class CloseForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Close as"),
        choices=[
            (Resolution.DONE, _("Done")),
            (Resolution.CANCELLED, _("Cancelled")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = text_field(_("Note"), required=False, max_length=4000)


class TrackForm(forms.Form):
    title = text_field(_("What is to be done"), max_length=200)
    assignee = id_choice_field(_("Owner"), required=True)
    due_at = datetime_field(_("By"))
    notes = _notes(_("Notes"), rows=2)

    def __init__(self, *args: Any, assignees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—"), *((u.pk, str(u)) for u in assignees)]


class ReassignForm(forms.Form):
    assignee = id_choice_field(_("Give to"), required=True)

    def __init__(self, *args: Any, assignees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—"), *((u.pk, str(u)) for u in assignees)]


class SpotResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=SpotCheck.Result.choices, widget=forms.RadioSelect
    )
    notes = _notes(_("What the customer said"), rows=2)


class SampleSizeForm(forms.Form):
    sample_size = forms.IntegerField(
        label=_("Follow-ups drawn per consultant and fortnight"),
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": 50}),
    )


class TopicForm(forms.Form):
    code = text_field(_("Code"), max_length=40)
    name = text_field(_("Name"), max_length=80)
    name_en = text_field(_("English name"), required=False, max_length=80)
    sort_order = number_field(_("Order"), initial=0)
    scored = checkbox_field(_("Asks for a satisfaction score"))
    active = checkbox_field(_("Active"), initial=True)

    @staticmethod
    def questions_from(data: QueryDict) -> list[TopicQuestion]:
        """The question rows (q_key[], q_text[], q_text_en[]); blank rows are dropped by the
        service."""
        keys = data.getlist("q_key")
        texts = data.getlist("q_text")
        texts_en = data.getlist("q_text_en")
        rows = []
        for index in range(max(len(keys), len(texts), len(texts_en))):
            rows.append(
                TopicQuestion(
                    key=keys[index].strip() if index < len(keys) else "",
                    text=texts[index] if index < len(texts) else "",
                    text_en=texts_en[index] if index < len(texts_en) else "",
                )
            )
        return rows
