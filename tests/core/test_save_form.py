"""core.http.save_form and form_result: what a form page gets for a form not sent, invalid,
refused, saved."""

import pytest
from django import forms
from django.test import RequestFactory

from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.core.http import form_result, save_form


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


def _post(data):
    request = RequestFactory().post("/", data)
    return request, NameForm(request.POST)


def test_form_result_answers_what_a_posted_valid_form_saved():
    request, form = _post({"name": "张三"})
    assert form_result(request, form, lambda data: data["name"]) == "张三"


def test_form_result_is_none_for_a_get_an_invalid_form_or_a_refusal():
    assert form_result(RequestFactory().get("/"), NameForm(), lambda data: 1) is None
    request, form = _post({"name": ""})
    assert form_result(request, form, lambda data: 1) is None

    def refuse(data):
        raise ValidationFailed(field_errors={"name": ["taken"]})

    request, form = _post({"name": "张三"})
    assert form_result(request, form, refuse) is None
    assert form.errors["name"] == ["taken"]


def test_form_result_lets_a_refusal_it_was_not_told_of_through():
    def conflict(data):
        raise Conflict()

    request, form = _post({"name": "张三"})
    with pytest.raises(Conflict):
        form_result(request, form, conflict)
