"""core.http's form and list helpers: what a form page gets for a form not sent, invalid,
refused, saved; a list's filters from its query string."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from guanxi.core.errors import Conflict, ValidationFailed
from guanxi.core.http import (
    capped_list_html,
    filters_from_query,
    form_result,
    more_rows_context,
    redirect_to_saved,
    save_form,
)
from guanxi.core.pagination import Page


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


def _posted_with_messages(data):
    request, form = _post(data)
    request._messages = CookieStorage(request)
    return request, form


def test_redirect_to_saved_goes_to_the_saved_records_page_with_the_message():
    request, form = _posted_with_messages({"name": "张三"})
    response = redirect_to_saved(
        request, form, lambda data: SimpleNamespace(pk=7), done="Saved.", detail="customers:detail"
    )
    assert response is not None
    assert response.status_code == 302
    assert response.url == "/customers/7/"
    assert [str(m) for m in get_messages(request)] == ["Saved."]


def test_redirect_to_saved_is_none_when_the_form_shows_again():
    def save(data):
        raise AssertionError("not saved")

    get = _get({})
    assert (
        redirect_to_saved(get, NameForm(), save, done="Saved.", detail="customers:detail") is None
    )
    request, form = _posted_with_messages({"name": ""})
    assert redirect_to_saved(request, form, save, done="Saved.", detail="customers:detail") is None
    assert list(get_messages(request)) == []


def test_redirect_to_saved_shows_a_conflict_on_the_form_unless_told_otherwise():
    def conflict(data):
        raise Conflict()

    request, form = _posted_with_messages({"name": "张三"})
    assert (
        redirect_to_saved(request, form, conflict, done="Saved.", detail="customers:detail") is None
    )
    assert form.non_field_errors()
    assert list(get_messages(request)) == []

    request, form = _posted_with_messages({"name": "张三"})
    with pytest.raises(Conflict):
        redirect_to_saved(
            request,
            form,
            conflict,
            done="Saved.",
            detail="customers:detail",
            refused=(ValidationFailed,),
        )


def test_more_rows_context_names_the_rows_and_keeps_the_filters_for_the_next_link():
    cursors = []

    def read(*, cursor):
        cursors.append(cursor)
        return Page(items=["a", "b"], next_cursor="c2")

    request = _get({"status": "open", "after": "c1"})
    assert more_rows_context(request, read, name="entries") == {
        "entries": ["a", "b"],
        "next_cursor": "c2",
        "query": "status=open",
    }
    assert cursors == ["c1"]


def test_more_rows_context_is_empty_after_a_stale_link():
    def read(*, cursor):
        raise ValidationFailed(field_errors={"cursor": ["stale"]})

    request = _get({"after": "old"})
    assert more_rows_context(request, read, name="entries") == {
        "entries": [],
        "next_cursor": None,
        "query": "",
    }


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
