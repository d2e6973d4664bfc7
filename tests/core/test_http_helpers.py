"""core.http's form and list helpers: what a form page gets for a form not sent, invalid,
refused, saved; a list's filters from its query string."""

from dataclasses import dataclass

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.core.http import capped_list_html, filters_from_query, form_result, save_form


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


@dataclass(frozen=True)
class Filters:
    status: str = ""

    @classmethod
    def from_params(cls, params):
        status = params.get("status", "")
        if status not in ("", "open"):
            raise ValidationFailed(field_errors={"status": ["Not a valid choice."]})
        return cls(status=status)


def _get(query):
    request = RequestFactory().get("/", query)
    request._messages = CookieStorage(request)
    return request


def test_filters_from_query_reads_the_query_string():
    request = _get({"status": "open"})
    assert filters_from_query(request, Filters) == Filters(status="open")
    assert list(get_messages(request)) == []


def test_filters_from_query_falls_back_to_no_filter_with_a_notice():
    request = _get({"status": "bogus"})
    assert filters_from_query(request, Filters) == Filters()
    assert [str(m) for m in get_messages(request)] == ["Not a valid choice."]


def test_capped_list_html_is_nothing_for_an_empty_count():
    request = RequestFactory().get("/")
    assert capped_list_html(request, "no/such/template.html", (0, False, []), target=None) == ""
