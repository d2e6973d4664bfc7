"""core.http.save_form: what a form page answers for a form not sent, invalid, refused, saved."""

from django import forms

from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.core.http import save_form


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def test_a_form_not_sent_is_not_saved_and_the_page_answers_200():
    calls = []
    assert save_form(NameForm(), lambda: calls.append(1)) == (None, 200)
    assert calls == []


def test_an_invalid_form_is_not_saved_and_the_page_answers_422():
    calls = []
    assert save_form(NameForm({"name": ""}), lambda: calls.append(1)) == (None, 422)
    assert calls == []


def test_a_valid_form_answers_what_was_saved():
    form = NameForm({"name": "张三"})
    assert save_form(form, lambda: form.cleaned_data["name"]) == ("张三", 200)


def test_a_refusal_shows_on_the_form_with_its_status():
    form = NameForm({"name": "张三"})

    def refuse():
        raise ValidationFailed(field_errors={"name": ["taken"]})

    assert save_form(form, refuse) == (None, 422)
    assert form.errors["name"] == ["taken"]

    form = NameForm({"name": "张三"})

    def conflict():
        raise Conflict()

    saved, status = save_form(form, conflict)
    assert (saved, status) == (None, 409)
    assert form.non_field_errors()
